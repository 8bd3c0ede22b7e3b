import Bus
import BusService
import Contracts
import Foundation
import Logging
import Metrics
import Policy
import ServiceKit
import ServiceLifecycle
import SwiftProtobuf

/// The decision service: mirrors the state buckets, runs `DecisionEngine` on every change and
/// carries out its effects on the bus.
///
/// Nothing is decided before all four buckets have delivered their current values (`caughtUp`):
/// a decision on half a mirror could fence a pod whose node state has not arrived yet. Changes are
/// processed one at a time by the single task that owns the engine.
public struct DecisionService: Service {
    let connection: BusConnection
    let topology: BusTopology
    let readiness: ReadinessRegistry
    let logger: Logger
    let reevaluateEvery: Duration
    private let engineSeed: DecisionEngine
    /// Policy settings changed while running (podmon ConfigMap reloads); nil: fixed at start.
    let livePolicy: LivePolicy?
    public static let readinessComponent = "decision-state"

    public init(connection: BusConnection, topology: BusTopology, engine: DecisionEngine, readiness: ReadinessRegistry,
                logger: Logger, reevaluateEvery: Duration = .seconds(5), livePolicy: LivePolicy? = nil) {
        self.livePolicy = livePolicy
        self.connection = connection
        self.topology = topology
        self.engineSeed = engine
        self.readiness = readiness
        self.logger = logger
        self.reevaluateEvery = reevaluateEvery
        readiness.register(Self.readinessComponent)
    }

    enum Input: Sendable {
        case change(ClusterMirror.Change)
        case pause(Podguard_V1_PauseSwitch?)
        case caughtUp(bucket: String)
        case tick
    }

    public func run() async throws {
        try await connection.waitUntilConnected(timeout: .seconds(60))
        let js = try connection.jetStream()
        try await TopologyInstaller.ensure(topology, on: js, logger: logger)
        let pods = try await js.keyValue(topology.podsBucket)
        let nodes = try await js.keyValue(topology.nodesBucket)
        let connectivity = try await js.keyValue(topology.connectivityBucket)
        let fences = try await js.keyValue(topology.fencesBucket)
        let control = try await js.keyValue(topology.controlBucket)
        let executor = EffectExecutor(jetStream: js, fences: fences, subjects: topology.subjects, logger: logger)

        let (inputs, sink) = AsyncStream<Input>.makeStream()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await Self.mirror(pods, as: Podguard_V1_PodState.self, into: sink, logger: logger) { .pod(key: $0, $1) } }
            group.addTask { await Self.mirror(nodes, as: Podguard_V1_NodeState.self, into: sink, logger: logger) { .node(name: SubjectToken.decode($0) ?? $0, $1) } }
            group.addTask { await Self.mirror(connectivity, as: Podguard_V1_ArrayConnectivity.self, into: sink, logger: logger) { .connectivity(key: $0, $1) } }
            group.addTask { await Self.mirror(fences, as: Podguard_V1_FenceRecord.self, into: sink, logger: logger) { .fence(podUID: SubjectToken.decode($0) ?? $0, $1) } }
            group.addTask {
                await control.follow(PodguardKeys.pause, as: Podguard_V1_PauseSwitch.self, logger: logger) { update in
                    switch update {
                    case .caughtUp: sink.yield(.caughtUp(bucket: control.bucket))
                    case .put(_, let value, _): sink.yield(.pause(value))
                    case .deleted: sink.yield(.pause(nil))
                    }
                }
            }
            group.addTask { [reevaluateEvery] in
                while !Task.isCancelled {
                    try await Task.sleep(for: reevaluateEvery)
                    sink.yield(.tick)
                }
            }

            var engine = engineSeed
            // Nothing is decided before every bucket is mirrored, the pause switch included.
            var pendingBuckets: Set<String> = [pods.bucket, nodes.bucket, connectivity.bucket, fences.bucket, control.bucket]
            for await input in inputs.cancelOnGracefulShutdown() {
                if let livePolicy { engine.configuration = livePolicy.applied(to: engine.configuration) }
                let now = Date()
                var effects: [DecisionEffect] = []
                switch input {
                case .change(let change):
                    let produced = engine.handle(change, now: now)
                    if pendingBuckets.isEmpty { effects = produced }
                case .pause(let value):
                    if pendingBuckets.isEmpty { effects = engine.setPause(value, now: now) } else { engine.preload(pause: value) }
                    if let pause = engine.pause(at: now) {
                        logger.notice("paused: no fence, delete or taint is requested", metadata: ["pause": "\(pause.summary)"])
                    } else {
                        logger.notice("not paused")
                    }
                case .caughtUp(let bucket):
                    guard pendingBuckets.remove(bucket) != nil, pendingBuckets.isEmpty else { continue }
                    logger.info("state mirrored; deciding", metadata: [
                        "pods": "\(engine.mirror.pods.count)", "nodes": "\(engine.mirror.nodes.count)",
                        "fences": "\(engine.mirror.fences.count)"])
                    readiness.set(Self.readinessComponent, ready: true)
                    effects = engine.reevaluateAll(now: now)
                case .tick:
                    if pendingBuckets.isEmpty { effects = engine.reevaluateAll(now: now) }
                }
                for effect in effects {
                    // Work not done at shutdown is not lost: the next replica decides again from the buckets.
                    if case .unclaimed(let podKey) = await executor.execute(effect) { engine.claimLost(podKey: podKey) }
                }
            }
            readiness.set(Self.readinessComponent, ready: false, reason: "shutting down")
            group.cancelAll()
        }
    }

    /// Forwards a bucket's values (then `.caughtUp`, then live changes) as typed changes, across
    /// bus outages (`KeyValueStore.follow`). A value that does not decode is counted and logged by
    /// the bus library and treated as absent.
    static func mirror<Value: SwiftProtobuf.Message & Sendable>(
        _ store: KeyValueStore, as type: Value.Type, into sink: AsyncStream<Input>.Continuation, logger: Logger,
        change: @escaping @Sendable (String, Value?) -> ClusterMirror.Change
    ) async {
        await store.follow(as: Value.self, logger: logger) { update in
            switch update {
            case .caughtUp: sink.yield(.caughtUp(bucket: store.bucket))
            case .put(let key, let value, _): sink.yield(.change(change(key, value)))
            case .deleted(let key): sink.yield(.change(change(key, nil)))
            }
        }
    }
}
