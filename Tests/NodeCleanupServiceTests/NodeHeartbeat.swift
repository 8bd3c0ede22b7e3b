import Foundation
import Kube
import NodeCleanupCore
import Synchronization

/// Plays the kubelet's part for one Node of the real control plane: posts its status (Ready
/// condition with a fresh heartbeat, boot id) through the status subresource every `interval`, so
/// the node controller keeps it Ready; or posts Ready/NotReady alternately to make it flap.
final class NodeHeartbeat: Sendable {
    enum Mode: Sendable, Equatable {
        case ready
        /// Ready and NotReady on alternate beats.
        case flapping
        /// No posts at all (the node controller marks it Unknown after its grace period).
        case silent
    }

    let client: KubeClient
    let name: String
    let interval: Duration
    private let mode = Mutex(Mode.ready)
    private let bootID = Mutex("boot-1")
    private let beats = Mutex(0)
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(client: KubeClient, name: String, interval: Duration = .milliseconds(700)) {
        self.client = client
        self.name = name
        self.interval = interval
    }

    func set(_ mode: Mode) { self.mode.withLock { $0 = mode } }
    func reboot(bootID: String) { self.bootID.withLock { $0 = bootID } }

    /// Creates the Node (Ready, schedulable capacity, boot id) and starts beating.
    func start() async throws {
        var node = Node(name: name)
        node.metadata.labels = ["kubernetes.io/hostname": name]
        node.status = status(ready: true)
        _ = try await client.create(node)
        try await beat()
        let handle = Task { [self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                try? await beat()
            }
        }
        task.withLock { $0 = handle }
    }

    func stop() async {
        task.withLock { $0?.cancel() }
        try? await client.delete(Node.self, name: name)
    }

    private func beat() async throws {
        let count = beats.withLock { value in
            value += 1
            return value
        }
        let ready: Bool
        switch mode.withLock({ $0 }) {
        case .ready: ready = true
        case .flapping: ready = count % 2 == 0
        case .silent: return
        }
        let boot = bootID.withLock { $0 }
        try await client.update(Node.self, name: name, subresource: "status") { node in
            let previous = node.status?.conditions?.first { $0.type == "Ready" }
            var status = node.status ?? NodeStatus()
            let fresh = self.status(ready: ready)
            var condition = fresh.conditions![0]
            // The transition time moves only when the status changes, as a kubelet does.
            if previous?.status == condition.status, let since = previous?.lastTransitionTime {
                condition.lastTransitionTime = since
            }
            status.conditions = [condition]
            status.capacity = fresh.capacity
            status.allocatable = fresh.allocatable
            var info = status.nodeInfo ?? NodeSystemInfo(bootID: boot)
            info.bootID = boot
            status.nodeInfo = info
            node.status = status
        }
    }

    private func status(ready: Bool) -> NodeStatus {
        let now = Date()
        let condition = NodeCondition(type: "Ready", status: ready ? "True" : "False", reason: ready ? "KubeletReady" : "KubeletNotReady",
                                      message: "posted by the test", lastHeartbeatTime: now, lastTransitionTime: now)
        var status = NodeStatus(conditions: [condition], capacity: ["cpu": "4", "memory": "8Gi", "pods": "110"],
                                allocatable: ["cpu": "4", "memory": "8Gi", "pods": "110"])
        status.nodeInfo = NodeSystemInfo(bootID: bootID.withLock { $0 })
        return status
    }
}
