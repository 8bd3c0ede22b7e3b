public import Bus
public import Contracts
public import Logging

/// A service's way onto the bus, set up once in its `main`: the connection (`BusConnectionService`)
/// and the topology of the configured `bus.subjectPrefix`. In the service's `run`, `open` waits for
/// the connection, installs the topology and opens its buckets — the start-up every bus service
/// shares.
public struct PodguardBus: Sendable {
    public let connection: BusConnection
    public let topology: BusTopology
    public var subjects: PodguardSubjects { topology.subjects }

    public init(connection: BusConnection, topology: BusTopology) {
        self.connection = connection
        self.topology = topology
    }

    /// Waits up to `connectTimeout` for the connection, then installs the topology (idempotent:
    /// every service may be the first to start) and opens every bucket of it.
    public func open(logger: Logger, connectTimeout: Duration = .seconds(60)) async throws -> OpenBus {
        try await connection.waitUntilConnected(timeout: connectTimeout)
        let jetStream = try connection.jetStream()
        try await TopologyInstaller.ensure(topology, on: jetStream, logger: logger)
        return OpenBus(
            connection: connection, jetStream: jetStream, topology: topology,
            pods: try await jetStream.keyValue(topology.podsBucket),
            nodes: try await jetStream.keyValue(topology.nodesBucket),
            connectivity: try await jetStream.keyValue(topology.connectivityBucket),
            fences: FenceRecordStore(try await jetStream.keyValue(topology.fencesBucket)),
            nodeRemediations: NodeRemediationStore(try await jetStream.keyValue(topology.nodeRemediationsBucket)),
            control: try await jetStream.keyValue(topology.controlBucket),
            prober: try await jetStream.keyValue(topology.proberBucket))
    }
}

/// The bus once a service is on it: JetStream with the topology installed and the buckets open.
public struct OpenBus: Sendable {
    public let connection: BusConnection
    public let jetStream: JetStream
    public let topology: BusTopology
    /// PodState by pod (the watcher's).
    public let pods: KeyValueStore
    /// NodeState by node (the watcher's).
    public let nodes: KeyValueStore
    /// ArrayConnectivity by family and node (the array-prober's).
    public let connectivity: KeyValueStore
    /// FenceRecord by pod uid, written only through the store.
    public let fences: FenceRecordStore
    /// NodeRemediationRecord by node, written only through the store.
    public let nodeRemediations: NodeRemediationStore
    /// The pause switch.
    public let control: KeyValueStore
    /// The array-prober's membership leases.
    public let prober: KeyValueStore

    public var subjects: PodguardSubjects { topology.subjects }
}
