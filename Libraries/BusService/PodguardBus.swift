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
    /// Whether `open` creates the topology (`bus.installTopology`) or waits for an administrator's.
    public let installsTopology: Bool
    public var subjects: PodguardSubjects { topology.subjects }

    public init(connection: BusConnection, topology: BusTopology, installsTopology: Bool = true) {
        self.connection = connection
        self.topology = topology
        self.installsTopology = installsTopology
    }

    /// Waits up to `connectTimeout` for the connection, then installs the topology (idempotent:
    /// every service may be the first to start) or, without the right to, waits until it exists;
    /// then opens every bucket of it.
    public func open(logger: Logger, connectTimeout: Duration = .seconds(60)) async throws -> OpenBus {
        try await connection.waitUntilConnected(timeout: connectTimeout)
        let jetStream = try connection.jetStream()
        if installsTopology {
            try await TopologyInstaller.ensure(topology, on: jetStream, logger: logger)
        } else {
            try await TopologyInstaller.waitUntilInstalled(topology, on: jetStream, logger: logger)
        }
        func bucket(_ spec: KeyValueBucketSpec) async throws -> KeyValueStore {
            try await keyValue(spec, on: jetStream)
        }
        return OpenBus(
            connection: connection, jetStream: jetStream, topology: topology,
            pods: try await bucket(topology.podsBucket),
            nodes: try await bucket(topology.nodesBucket),
            connectivity: try await bucket(topology.connectivityBucket),
            fences: FenceRecordStore(try await bucket(topology.fencesBucket)),
            nodeRemediations: NodeRemediationStore(try await bucket(topology.nodeRemediationsBucket)),
            control: try await bucket(topology.controlBucket),
            prober: try await bucket(topology.proberBucket))
    }
}

extension PodguardBus {
    /// One bucket of the topology, created (`bus.installTopology`) or bound to as `open` does: for
    /// a service's buckets of its own beyond those `OpenBus` holds.
    public func keyValue(_ spec: KeyValueBucketSpec, on jetStream: JetStream) async throws -> KeyValueStore {
        installsTopology ? try await jetStream.keyValue(spec) : try await jetStream.bindKeyValue(bucket: spec.name)
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
