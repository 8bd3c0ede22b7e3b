public import ArrayFamily
public import Logging
import Synchronization

/// One array family across a cluster: a single simulated array backend, its controller plugin on
/// one unix socket and one node plugin per node on its own socket, all over the same state — so a
/// ControllerUnpublish through the controller fences the host for every node plugin, and the
/// invariant is checked cluster-wide.
///
/// ```swift
/// let cluster = CSIClusterSimulator(family: .powerstore, directory: "/tmp/pg")
/// try await cluster.start()
/// let node = try await cluster.addNode(name: "worker-1", ipAddress: "127.0.1.1")
/// // CSIClient on cluster.controllerSocket: ControllerPublish; on node.socketPath: NodeStage...
/// #expect(cluster.array.violations.isEmpty)
/// await cluster.stop()
/// ```
public final class CSIClusterSimulator: Sendable {
    public let family: any ArrayFamily
    public let array: SimulatedArray
    public let controller: CSIDriverSimulator
    private let directory: String
    private let nodePlugins: Mutex<[String: CSIDriverSimulator]>
    private let logger: Logger

    /// - Parameters:
    ///   - directory: where the sockets go (`<family>-controller.sock`, `<family>-<node>.sock`); keep
    ///     it short, a unix socket path has at most 107 bytes.
    public init(family: ArrayFamilyID, directory: String, arrays: [String]? = nil,
                logger: Logger = Logger(label: "podguard.csi-sim")) {
        let family = FamilyCatalog.family(family)
        self.family = family
        self.directory = directory
        self.logger = logger
        self.array = SimulatedArray(family: family, arrays: arrays ?? FamilyCatalog.exampleArrays(family.id))
        self.controller = CSIDriverSimulator(
            array: array, socketPath: "\(directory)/\(family.id.rawValue)-controller.sock",
            nodeName: "", services: .controller, logger: logger)
        self.nodePlugins = Mutex([:])
    }

    public var controllerSocket: String { controller.socketPath }

    /// Starts the controller plugin.
    public func start() async throws {
        try await controller.start()
    }

    /// Makes the host known to the array and starts its node plugin (idempotent per name).
    @discardableResult
    public func addNode(name: String, ipAddress: String) async throws -> CSIDriverSimulator {
        array.addHost(name: name, ipAddress: ipAddress)
        let plugin = nodePlugins.withLock { plugins in
            if let existing = plugins[name] { return existing }
            let plugin = CSIDriverSimulator(
                array: array, socketPath: "\(directory)/\(family.id.rawValue)-\(name).sock",
                nodeName: name, services: .node, logger: logger)
            plugins[name] = plugin
            return plugin
        }
        if !plugin.isServing { try await plugin.start() }
        return plugin
    }

    /// The node plugin of `name`, if added.
    public func node(_ name: String) -> CSIDriverSimulator? { nodePlugins.withLock { $0[name] } }

    /// Stops every socket (the array state stays).
    public func stop() async {
        let plugins = nodePlugins.withLock { Array($0.values) }
        for plugin in plugins { await plugin.stop() }
        await controller.stop()
    }
}
