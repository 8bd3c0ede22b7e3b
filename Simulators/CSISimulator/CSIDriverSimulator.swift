public import ArrayFamily
import CSI
import GRPCCore
public import Logging
import SimulatorServer
import Synchronization

/// A CSI driver of one array family over a simulated array, serving CSI Identity, Controller and
/// Node — and, for the Dell families, `podmon.v1.Podmon` — on a unix socket, with that family's
/// id formats and answers.
///
/// Tests run it in-process:
/// ```swift
/// let sim = CSIDriverSimulator(family: .powerstore, socketPath: "/tmp/x/csi.sock")
/// try await sim.start()
/// let volume = sim.createVolume(name: "pv1")
/// sim.inject(.path(host: "node1", array: volume.arrays[0], down: true))
/// ... CSIClient calls ...
/// #expect(sim.violations.isEmpty)
/// await sim.stop()
/// ```
/// `stop()` / `start()` simulate the driver's socket going away and coming back (a restart); the
/// array state survives them. `podguard-csi-sim` wraps the same type with a JSON control API.
public final class CSIDriverSimulator: Sendable {
    public let family: any ArrayFamily
    public let socketPath: String
    /// The node this driver's Node service runs as (its `NodeGetInfo`).
    public let nodeName: String
    /// The array state this driver serves; shared with other simulators of a ``CSIClusterSimulator``.
    public let array: SimulatedArray
    /// Which CSI services the socket serves (a cluster's controller and node plugins split them).
    public let services: CSIServiceSet
    private let server: UnixSocketGRPCServer
    let logger: Logger

    /// - Parameters:
    ///   - arrays: array ids in the family's format (default: two example arrays of the family; the
    ///     first is the driver's default array).
    ///   - hosts: how many hosts (`node1`...) the arrays know.
    ///   - nodeName: the host whose Node service this driver is.
    public init(family: ArrayFamilyID, socketPath: String, arrays: [String]? = nil, hosts: Int = 3,
                nodeName: String = "node1", logger: Logger = Logger(label: "podguard.csi-sim")) {
        let family = FamilyCatalog.family(family)
        self.family = family
        self.socketPath = socketPath
        self.nodeName = nodeName
        self.logger = logger
        self.array = SimulatedArray(family: family, arrays: arrays ?? FamilyCatalog.exampleArrays(family.id), hosts: max(1, hosts))
        self.services = .all
        self.server = UnixSocketGRPCServer(socketPath: socketPath, logger: logger)
    }

    /// A driver over an existing (shared) array, serving only `services` — one plugin of a
    /// multi-node cluster (see ``CSIClusterSimulator``).
    public init(array: SimulatedArray, socketPath: String, nodeName: String, services: CSIServiceSet,
                logger: Logger = Logger(label: "podguard.csi-sim")) {
        self.family = array.family
        self.socketPath = socketPath
        self.nodeName = nodeName
        self.array = array
        self.services = services
        self.logger = logger
        self.server = UnixSocketGRPCServer(socketPath: socketPath, logger: logger)
    }

    /// Whether the socket is being served.
    public var isServing: Bool { server.isServing }

    // MARK: Socket

    /// Starts serving on the socket (removing a stale socket file first); returns once it listens.
    public func start() async throws {
        var services: [any RegistrableRPCService] = [IdentityService(simulator: self)]
        if self.services.contains(.controller) { services.append(ControllerService(simulator: self)) }
        if self.services.contains(.node) { services.append(NodeService(simulator: self)) }
        // podmon's extension is served by both the controller and the node plugin.
        if family.hasPodmonExtension { services.append(PodmonService(simulator: self)) }
        try await server.start(services)
    }

    /// Stops serving and removes the socket file: the driver is gone until `start()`. Open calls
    /// finish first (graceful shutdown); only a server that does not end within 3 s is cancelled.
    public func stop() async {
        await server.stop()
    }

    // MARK: Control (Swift API)

    /// The hosts of the simulated cluster, by node name.
    public var hosts: [SimulatedHost] { array.state.withLock { Array($0.hosts.values).sorted { $0.name < $1.name } } }

    /// The CSI node id of a host.
    public func nodeID(of host: String) -> String? { array.state.withLock { $0.hosts[host]?.nodeID } }

    /// The configured arrays; the first is the default.
    public var arrays: [String] { array.state.withLock { $0.arrays } }

    /// Creates a volume on `array` (default: the default array), metro when `remoteArray` is set.
    @discardableResult
    public func createVolume(name: String, array: String? = nil, storageProtocol: StorageProtocol = .block,
                             remoteArray: String? = nil, multiWriter: Bool = false) -> SimulatedVolume {
        // PowerScale is NFS only.
        let proto: StorageProtocol = family.protocols == [.nfs] ? .nfs : storageProtocol
        return self.array.state.withLock {
            $0.createVolume(name: name, array: array, storageProtocol: proto, remoteArray: remoteArray,
                            multiWriter: multiWriter)
        }
    }

    public func inject(_ fault: SimulatorFault) { array.state.withLock { $0.apply(fault) } }

    /// A workload on `host` writes to the volume; returns whether the array accepted the write.
    @discardableResult
    public func write(volume: String, from host: String) -> Bool {
        array.state.withLock { $0.write(volume: volume, from: host) }
    }

    /// Let ControllerPublish map a single-writer volume to a second host instead of refusing it
    /// (to prove the invariant check catches a caller that publishes without fencing).
    public func setRefuseSecondPublish(_ refuse: Bool) { array.state.withLock { $0.refuseSecondPublish = refuse } }

    /// Every volume, sorted by handle.
    public var volumes: [SimulatedVolume] {
        array.state.withLock { $0.volumes.values.sorted { $0.handle < $1.handle } }
    }

    /// The hosts a volume is mapped to.
    public func mappings(of volume: String) -> Set<String> { array.state.withLock { $0.mappings[volume, default: []] } }

    /// The mount paths of a volume on a node.
    public func mounts(of volume: String, on node: String) -> Set<String> {
        array.state.withLock { $0.mounts[node]?[volume] ?? [] }
    }

    /// How many times a method was called (faulted calls included).
    public func callCount(_ method: String) -> Int { array.state.withLock { $0.calls[method, default: 0] } }

    /// Every mapping change and write, in order.
    public var events: [SimulatorEvent] { array.state.withLock { $0.events } }

    /// Breaches of "no volume mapped to, or written by, two hosts at once"; empty when it held.
    public var violations: [SimulatorViolation] { array.state.withLock { $0.violations } }

    /// Runs a call: counts it, waits any injected latency, fails it if a pending fault fires.
    func enter(_ method: String) async throws {
        let (delay, error) = array.state.withLock { $0.enter(method) }
        if delay > .zero { try await Task.sleep(for: delay) }
        if let error { throw error }
    }

    /// Runs a state transition that may throw an RPCError.
    func mutate<T: Sendable>(_ body: (inout SimulatedArrayState) throws(RPCError) -> T) throws(RPCError) -> T {
        try array.state.withLock { (state: inout SimulatedArrayState) throws(RPCError) -> T in try body(&state) }
    }
}
