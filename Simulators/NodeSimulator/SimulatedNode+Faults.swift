import ArrayFamily
import CSISimulator
import Foundation
import Logging
import Synchronization

/// Injecting and recovering faults: the lifecycle transition under the lock, then its effects on
/// the simulated arrays and plugins.
extension SimulatedNode {
    func setPodReady(_ uid: String, ready: Bool) {
        record.withLock { record in
            if ready { record.notReadyPods.remove(uid) } else { record.notReadyPods.insert(uid) }
        }
    }

    func inject(_ fault: NodeFault) async throws {
        if fault == .driverPodDown {
            record.withLock { $0.driverPodReady = false }
            // The driver's node container is gone: its socket with it.
            for backend in context.backends.values { await backend.node(name)?.stop() }
            return
        }
        _ = try transition(fault, recovering: false)
        switch fault {
        case .interfaceDown:
            for backend in context.backends.values { backend.array.setPaths(of: name, down: true) }
        case .reboot:
            // Containers and mounts are gone; the arrays keep their mappings (they cannot know).
            record.withLock { record in
                for uid in record.pods.keys { record.restarts[uid, default: 0] += 1 }
                record.pods = [:]
            }
            // A host that is down has no session to any array: the arrays see it disconnected.
            for backend in context.backends.values {
                backend.array.dropMounts(of: name)
                backend.array.setPaths(of: name, down: true)
            }
        case .kubeletDown, .driverPodDown:
            break
        }
        logger.info("node fault injected", metadata: ["node": "\(name)", "fault": "\(fault.rawValue)"])
    }

    func recover(_ fault: NodeFault) async throws {
        if fault == .driverPodDown {
            for backend in context.backends.values { try await backend.node(name)?.start() }
            record.withLock { $0.driverPodReady = true }
            return
        }
        _ = try transition(fault, recovering: true)
        switch fault {
        case .interfaceDown:
            for backend in context.backends.values { backend.array.setPaths(of: name, down: false) }
        case .reboot:
            record.withLock { record in
                record.bootID = UUID().uuidString.lowercased()
                record.boots += 1
                record.postedStatuses = [:]
            }
            for backend in context.backends.values { backend.array.setPaths(of: name, down: false) }
        case .kubeletDown:
            // A kubelet that starts again (here or after the reboot above) has an empty status
            // manager: it writes every pod's status afresh.
            record.withLock { $0.postedStatuses = [:] }
        case .driverPodDown:
            break
        }
        logger.info("node recovered", metadata: ["node": "\(name)", "fault": "\(fault.rawValue)"])
        await heartbeat()
    }

    /// Applies the state machine; returns the state before.
    private func transition(_ fault: NodeFault, recovering: Bool) throws(NodeSimulatorError) -> NodeLifecycle {
        let name = self.name
        return try record.withLock { (record: inout NodeRecord) throws(NodeSimulatorError) -> NodeLifecycle in
            let previous = record.lifecycle
            let next = recovering ? previous.recovering(fault) : previous.injecting(fault)
            guard let next else {
                throw NodeSimulatorError.invalidTransition(node: name, state: previous, fault: fault, recovering: recovering)
            }
            record.lifecycle = next
            return previous
        }
    }
}
