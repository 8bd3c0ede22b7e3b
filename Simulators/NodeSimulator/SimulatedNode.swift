import ArrayFamily
import CSI
import CRISimulator
import CSISimulator
import Foundation
import Kube
import Logging
import Synchronization

/// One simulated node: its kubelet (registration, heartbeats, pods, volumes), its containers'
/// writes, its CSI node plugins (one per family, over the family's shared array) and its faults.
final class SimulatedNode: Sendable {
    let name: String
    let internalIP: String
    let context: ClusterContext
    /// The node plugin client per family.
    let csi: [ArrayFamilyID: CSIClient]
    /// CSI node id per driver name, from each node plugin's NodeGetInfo.
    let nodeIDs: [String: String]
    let record: Mutex<NodeRecord>
    /// The node's container runtime (CRI on a unix socket), listing the containers the kubelet runs.
    let runtime: CRIRuntimeSimulator
    private let tasks: Mutex<[Task<Void, Never>]>
    var logger: Logger { context.logger }

    private init(name: String, internalIP: String, context: ClusterContext, csi: [ArrayFamilyID: CSIClient],
                 nodeIDs: [String: String], clientTasks: [Task<Void, Never>]) {
        self.name = name
        self.internalIP = internalIP
        self.context = context
        self.csi = csi
        self.nodeIDs = nodeIDs
        self.record = Mutex(NodeRecord())
        self.tasks = Mutex(clientTasks)
        let containers = KubeletContainers()
        self.runtime = CRIRuntimeSimulator(socketPath: "\(context.socketDirectory)/cri-\(name).sock", source: containers,
                                           logger: context.logger)
        containers.node.withLock { $0 = WeakNode(node: self) }
    }

    /// Starts the node's CSI plugins, asks each for its node id, registers the node and runs its loops.
    static func start(name: String, internalIP: String, context: ClusterContext) async throws -> SimulatedNode {
        var clients: [ArrayFamilyID: CSIClient] = [:]
        var nodeIDs: [String: String] = [:]
        var clientTasks: [Task<Void, Never>] = []
        for (family, backend) in context.backends.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let plugin = try await backend.addNode(name: name, ipAddress: internalIP)
            let client = try CSIClient(endpoint: CSIAddress(path: plugin.socketPath),
                                       configuration: CSIClientConfiguration(defaultDeadline: .seconds(5)),
                                       logger: context.logger)
            clientTasks.append(Task { _ = try? await client.run() })
            clients[family] = client
            nodeIDs[backend.family.csiDriverName] = try await client.nodeInfo().nodeID
        }
        let node = SimulatedNode(name: name, internalIP: internalIP, context: context, csi: clients,
                                 nodeIDs: nodeIDs, clientTasks: clientTasks)
        try await node.runtime.start()
        try await node.register()
        node.run()
        return node
    }

    private func run() {
        let loops = [
            Task { await self.loop(every: self.context.configuration.heartbeatInterval) { await self.heartbeat() } },
            Task { await self.loop(every: self.context.configuration.syncInterval) { await self.syncPods() } },
            Task { await self.loop(every: self.context.configuration.statusReconcileInterval) { await self.reconcileStatuses() } },
            Task { await self.loop(every: self.context.configuration.writeInterval) { self.writeVolumes() } },
        ]
        tasks.withLock { $0 += loops }
    }

    private func loop(every interval: Duration, _ body: () async -> Void) async {
        while !Task.isCancelled {
            await body()
            do { try await Task.sleep(for: interval) } catch { return }
        }
    }

    /// Stops the loops and the CSI clients (the node's objects stay unless the cluster deletes them).
    func stop() async {
        let running = tasks.withLock { tasks in
            defer { tasks = [] }
            return tasks
        }
        for client in csi.values { client.shutdown() }
        for task in running { task.cancel() }
        for task in running { await task.value }
        await runtime.stop()
    }

    var snapshot: NodeSnapshot {
        record.withLock { record in
            NodeSnapshot(
                name: name, internalIP: internalIP, criSocket: runtime.socketPath, state: record.lifecycle, driverPodReady: record.driverPodReady,
                bootID: record.bootID, boots: record.boots,
                pods: record.pods.values.filter { !$0.isDriverPod }.sorted { ($0.namespace, $0.name) < ($1.namespace, $1.name) }.map {
                    PodSnapshot(namespace: $0.namespace, name: $0.name, uid: $0.uid, containerIDs: $0.containers.map(\.id),
                                volumes: $0.volumes.map(\.handle), acceptedWrites: $0.acceptedWrites,
                                refusedWrites: $0.refusedWrites)
                },
                lastHeartbeat: record.lastHeartbeat)
        }
    }
}
