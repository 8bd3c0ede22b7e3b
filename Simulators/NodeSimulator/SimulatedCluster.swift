public import ArrayFamily
import CSI
public import CSISimulator
import Foundation
public import Kube
public import Logging
import Synchronization

/// N simulated nodes against a real apiserver: their kubelets, their CSI node plugins, the CSI
/// controller plugins and external-attacher of each family, one shared simulated array per family.
///
/// ```swift
/// let cluster = try await SimulatedCluster.start(client: client,
///     configuration: SimulatedClusterConfiguration(nodes: 3, namePrefix: "t1", families: [.powerstore]))
/// let pv = try await cluster.createPersistentVolume(family: .powerstore, name: "pv-a")   // static PV
/// ... create a StatefulSet whose claims use cluster.storageClassName(for: .powerstore) ...
/// try await cluster.inject(.kubeletDown, on: "t1-2")       // zombie: heartbeats stop, writes go on
/// try await cluster.recover(.kubeletDown, on: "t1-2")
/// #expect(cluster.violations.isEmpty)                       // invariant 4, every family
/// await cluster.stop()
/// ```
public final class SimulatedCluster: Sendable {
    public let configuration: SimulatedClusterConfiguration
    /// The simulated arrays and CSI plugins, per family.
    public let backends: [ArrayFamilyID: CSIClusterSimulator]
    public let socketDirectory: String
    let context: ClusterContext
    let nodes: [String: SimulatedNode]
    private let controllerClients: [CSIClient]
    private let tasks: Mutex<[Task<Void, Never>]>
    private let stopped = Mutex(false)

    private init(configuration: SimulatedClusterConfiguration, backends: [ArrayFamilyID: CSIClusterSimulator],
                 socketDirectory: String, context: ClusterContext, nodes: [String: SimulatedNode],
                 controllerClients: [CSIClient], tasks: [Task<Void, Never>]) {
        self.configuration = configuration
        self.backends = backends
        self.socketDirectory = socketDirectory
        self.context = context
        self.nodes = nodes
        self.controllerClients = controllerClients
        self.tasks = Mutex(tasks)
    }

    /// Creates the cluster-wide objects (CSIDriver and StorageClass per family, the driver
    /// namespace), starts the plugins, the informers and the attacher, and registers every node.
    public static func start(client: KubeClient, configuration: SimulatedClusterConfiguration,
                             logger: Logger = Logger(label: "podguard.node-sim")) async throws -> SimulatedCluster {
        let directory = configuration.socketDirectory
            ?? "/tmp/pgns-\(String(UInt32.random(in: 0...UInt32.max), radix: 36))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var backends: [ArrayFamilyID: CSIClusterSimulator] = [:]
        var tasks: [Task<Void, Never>] = []
        var controllers: [ArrayFamilyID: CSIClient] = [:]
        for family in configuration.families {
            let backend = CSIClusterSimulator(family: family, directory: directory, logger: logger)
            try await backend.start()
            backends[family] = backend
            let controller = try CSIClient(endpoint: CSIAddress(path: backend.controllerSocket),
                                           configuration: CSIClientConfiguration(defaultDeadline: .seconds(5)), logger: logger)
            tasks.append(Task { _ = try? await controller.run() })
            controllers[family] = controller
            try await ensureClusterObjects(client: client, family: backend.family)
        }
        for namespace in Set(configuration.families.map { configuration.driverNamespace(for: $0) }) {
            try await ensureNamespace(client: client, namespace)
        }

        let pods = Informer(client: client, Pod.self, indexes: [.byNodeName])
        let attachments = Informer(client: client, VolumeAttachment.self)
        tasks.append(Task { await pods.run() })
        tasks.append(Task { await attachments.run() })
        // Nobody reads the events: the loops poll the caches. Drain them (they buffer without bound).
        tasks.append(Task { for await _ in pods.events {} })
        tasks.append(Task { for await _ in attachments.events {} })
        let context = ClusterContext(client: client, configuration: configuration, pods: pods, attachments: attachments,
                                     backends: backends, socketDirectory: directory, logger: logger)

        let attacher = ExternalAttacher(context: context, nodeNames: Set(configuration.nodeNames), controllers: controllers)
        tasks.append(Task {
            while !Task.isCancelled {
                await attacher.sync()
                do { try await Task.sleep(for: configuration.syncInterval) } catch { return }
            }
        })
        var nodes: [String: SimulatedNode] = [:]
        for (index, name) in configuration.nodeNames.enumerated() {
            nodes[name] = try await SimulatedNode.start(
                name: name, internalIP: "127.0.1.\(configuration.firstAddress + index)", context: context)
        }
        return SimulatedCluster(configuration: configuration, backends: backends, socketDirectory: directory,
                                context: context, nodes: nodes, controllerClients: Array(controllers.values), tasks: tasks)
    }

    private static func ensureClusterObjects(client: KubeClient, family: any ArrayFamily) async throws {
        var driver = CSIDriverObject(name: family.csiDriverName)
        driver.spec = .object(["attachRequired": .bool(true), "podInfoOnMount": .bool(false),
                               "volumeLifecycleModes": .array([.string("Persistent")])])
        do { _ = try await client.create(driver) } catch let error as KubeError where error.isAlreadyExists {}
        var storageClass = StorageClass(name: storageClassName(for: family.id))
        storageClass.provisioner = family.csiDriverName
        storageClass.volumeBindingMode = "Immediate"
        storageClass.reclaimPolicy = "Retain"
        do { _ = try await client.create(storageClass) } catch let error as KubeError where error.isAlreadyExists {}
    }

    private static func ensureNamespace(client: KubeClient, _ name: String) async throws {
        do { _ = try await client.create(Namespace(name: name)) } catch let error as KubeError where error.isAlreadyExists {}
        try await client.waitForDefaultServiceAccount(namespace: name)
    }

    /// The StorageClass of a family's static PVs (claims name it to bind to them).
    public static func storageClassName(for family: ArrayFamilyID) -> String { "podguard-sim-\(family.rawValue)" }
    public func storageClassName(for family: ArrayFamilyID) -> String { Self.storageClassName(for: family) }

    /// Stops every loop and socket; deletes this cluster's Nodes, CSINodes, Leases and driver
    /// pods when configured to (the default). Idempotent.
    public func stop() async {
        guard !stopped.withLock({ value in defer { value = true }; return value }) else { return }
        for node in nodes.values { await node.stop() }
        let running = tasks.withLock { tasks in defer { tasks = [] }; return tasks }
        for client in controllerClients { client.shutdown() }
        for task in running { task.cancel() }
        for backend in backends.values { await backend.stop() }
        if configuration.deleteNodesOnStop {
            for name in nodes.keys.sorted() { await deleteObjects(of: name) }
        }
        try? FileManager.default.removeItem(atPath: socketDirectory)
    }

    private func deleteObjects(of node: String) async {
        let client = context.client
        for backend in backends.values {
            try? await client.delete(Pod.self, name: "\(backend.family.taintStem)-node-\(node)",
                                     namespace: configuration.driverNamespace(for: backend.family.id), options: DeleteOptions(gracePeriodSeconds: 0))
        }
        try? await client.delete(Lease.self, name: node, namespace: "kube-node-lease")
        try? await client.delete(CSINode.self, name: node)
        try? await client.delete(Node.self, name: node)
    }
}
