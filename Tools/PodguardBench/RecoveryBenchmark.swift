import ArgumentParser
import ArrayFamily
import Contracts
import Foundation
import Harness
import Kube
import Logging
import NodeSimulator
import PodguardStack

/// The recovery figures of node remediation: one StatefulSet pod on a node whose kubelet stops
/// while its containers go on (the array still sees the node connected and writing, so the storage
/// cannot prove it safe), timed from the node's `node.kubernetes.io/unreachable` taint to the
/// replacement Running and Ready, three ways on one stack:
///
/// - **force delete alone**: what an operator's `kubectl delete --force` does (podguard paused); the
///   replacement waits for the attach/detach controller's own force detach (6 minutes);
/// - **podmon's flow**: the pod's VolumeAttachments deleted, then the force delete (podguard paused);
/// - **podguard's fast path**: the ladder's fence agent powers the node off (fence_ipmilan against
///   the node's simulated BMC, OFF confirmed), then podguard's remediation with Kubernetes'
///   out-of-service taint (1.26+), which detaches at once.
///
/// The manual flows act the moment the taint is seen, so their figures are Kubernetes' share alone;
/// podguard's includes its detection, the fence agent and the proof.
struct RecoveryBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recovery",
        abstract: "Unreachable taint → replacement Running: force delete alone, podmon's flow, podguard's fast path."
    )

    @Option(help: "Flows to run, in order: force-delete, podmon, fast-path.")
    var flows: [Flow] = Flow.allCases

    @Option(help: "Give up waiting for a replacement after this many seconds.")
    var timeout: Int = 900

    @Option(help: "The failure of the manual flows' nodes: kubelet-down (the fast path's failure: containers go on, the array sees the node) or interface-down (the node cut off; its kubelet's last volumesInUse stays in its status).")
    var manualFailure: ManualFailure = .kubeletDown

    enum ManualFailure: String, ExpressibleByArgument {
        case kubeletDown = "kubelet-down"
        case interfaceDown = "interface-down"

        var fault: NodeFault { self == .kubeletDown ? .kubeletDown : .interfaceDown }
    }

    @OptionGroup var kube: KubeVersionOption

    enum Flow: String, CaseIterable, ExpressibleByArgument {
        case forceDelete = "force-delete"
        case podmon
        case fastPath = "fast-path"

        var title: String {
            switch self {
            case .forceDelete: "force delete alone"
            case .podmon: "podmon's flow (VolumeAttachments deleted, force delete)"
            case .fastPath: "podguard: fence agent, proof, out-of-service taint"
            }
        }
    }

    func run() async throws {
        kube.select()
        BenchLogging.errorsOnly()
        defer { KubeControlPlane.stopShared() }
        var configuration = PodguardStackConfiguration(nodes: flows.count + 1, families: [.powerstore], namePrefix: "brc")
        configuration.nodeBMCs = true
        configuration.remediationLadder = "storage:5m fence-agent:2m"
        progress("starting the stack (\(configuration.nodes) nodes with simulated BMCs, powerstore, every service)")
        let stack = try await PodguardStack.start(configuration)
        var figures: [(Flow, Duration?)] = []
        var violations: [String] = []
        var manualNamespaces: [String] = []
        do {
            let version = try await stack.kube.serverVersion()
            for (index, flow) in flows.enumerated() {
                let (namespace, duration) = try await measure(flow, on: stack.nodeNames[index], stack: stack)
                figures.append((flow, duration))
                if flow != .fastPath { manualNamespaces.append(namespace) }
            }
            // A pod deleted by hand breaks invariant 1 by definition (no proof, no FenceRecord):
            // that is the manual flows' point, not podguard's failure; only podguard's count.
            let all = await stack.auditor.violations()
            violations = all.filter { violation in !manualNamespaces.contains { violation.contains("\($0)/") } }
            let byHand = all.count - violations.count
            var table = FigureTable(title: "Recovery after a node failure (unreachable taint → replacement Running), Kubernetes \(version)")
            for (flow, duration) in figures {
                let value = duration.map { String(format: "%.1f s", Format.seconds($0)) } ?? "timed out"
                switch flow {
                case .fastPath:
                    table.add(flow.title, value: value, target: "≤ 15 s", met: duration.map { $0 <= .seconds(15) } ?? false)
                case .podmon, .forceDelete:
                    table.add(flow.title, value: value, target: "reference")
                }
            }
            table.add("safety invariants broken by podguard", value: "\(violations.count)", target: "0", met: violations.isEmpty)
            table.add("invariant breaches of the manual flows (deleted without proof)", value: "\(byHand)", target: "reference")
            FileHandle.standardOutput.write(Data((table.render() + "\n").utf8))
            for violation in violations { FileHandle.standardOutput.write(Data("  \(violation)\n".utf8)) }
            if !version.isAtLeast(1, 26) {
                FileHandle.standardOutput.write(Data("note: Kubernetes \(version) has no out-of-service taint: podguard's flow is podmon's there\n".utf8))
            }
            await stack.stop()
        } catch {
            await stack.stop()
            throw error
        }
    }

    /// One flow on its own node: deploy, fail the node, act (or let podguard act), time the recovery.
    private func measure(_ flow: Flow, on target: String, stack: PodguardStack) async throws -> (namespace: String, recovery: Duration?) {
        let namespace = try await stack.makeNamespace("rec-\(flow.rawValue)")
        let workload = ProtectedWorkload(name: "rec", families: [.powerstore], preferredNode: target)
        let old = try await stack.deploy(workload, namespace: namespace, timeout: .seconds(timeout))[0]
        let manual = flow != .fastPath
        if manual { try await stack.setPaused(true, reason: "recovery benchmark: \(flow.title) by hand") }
        let fault: NodeFault = manual ? manualFailure.fault : .kubeletDown
        progress("\(flow.title): \(namespace)/\(old.name) on \(target); \(fault.rawValue)")
        try await stack.cluster.inject(fault, on: target)
        try await Wait.until("the unreachable taint on \(target)", timeout: .seconds(timeout), every: .milliseconds(100)) {
            try await stack.kube.get(Node.self, name: target).taints.contains { $0.key == "node.kubernetes.io/unreachable" }
        }
        let tainted = ContinuousClock.now
        switch flow {
        case .forceDelete:
            try await stack.kube.delete(Pod.self, name: old.name, namespace: namespace, options: DeleteOptions(gracePeriodSeconds: 0))
        case .podmon:
            let attachments = try await stack.kube.listAll(VolumeAttachment.self).items.filter { $0.spec?.nodeName == target }
            for attachment in attachments { _ = try? await stack.kube.delete(VolumeAttachment.self, name: attachment.name) }
            try await stack.kube.delete(Pod.self, name: old.name, namespace: namespace, options: DeleteOptions(gracePeriodSeconds: 0))
        case .fastPath:
            break
        }
        var recovery: Duration?
        do {
            _ = try await stack.waitForPods(workload, namespace: namespace, replacing: [old], timeout: .seconds(timeout))
            recovery = ContinuousClock.now - tainted
            progress("\(flow.title): replacement Running after \(String(format: "%.1f", Format.seconds(recovery!))) s")
        } catch {
            progress("\(flow.title): \(error)")
        }
        // Back to a healthy node: powered on again after a power fence, the kubelet restarted otherwise.
        if try stack.cluster.isPoweredOn(target) {
            try await stack.cluster.recover(fault, on: target)
        } else {
            try await stack.cluster.setPower(on: true, node: target)
        }
        if manual { try await stack.setPaused(false, reason: "") }
        await stack.deleteNamespacesMade()
        return (namespace, recovery)
    }

    private func progress(_ text: String) {
        let stamp = String(format: "%7.1f s", Format.seconds(ContinuousClock.now - BenchClock.start))
        FileHandle.standardOutput.write(Data("[recovery \(stamp)] \(text)\n".utf8))
    }
}
