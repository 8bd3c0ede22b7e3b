import Bus
import BusService
import Contracts
import DecisionCore
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
    let bus: PodguardBus
    let readiness: ReadinessRegistry
    let logger: Logger
    let reevaluateEvery: Duration
    private let engineSeed: DecisionEngine
    /// Policy settings changed while running (podmon ConfigMap reloads); nil: fixed at start.
    let livePolicy: LivePolicy?
    public static let readinessComponent = "decision-state"

    public init(bus: PodguardBus, engine: DecisionEngine, readiness: ReadinessRegistry,
                logger: Logger, reevaluateEvery: Duration = .seconds(5), livePolicy: LivePolicy? = nil) {
        self.livePolicy = livePolicy
        self.bus = bus
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
        let open = try await bus.open(logger: logger)
        let js = open.jetStream
        let executor = EffectExecutor(jetStream: js, records: open.fences, subjects: bus.subjects, logger: logger)

        let (inputs, sink) = AsyncStream<Input>.makeStream()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await open.pods.follow(as: Podguard_V1_PodState.self, into: sink, logger: logger, caughtUp: .caughtUp(bucket: open.pods.bucket)) { .change(.pod(key: $0, $1)) } }
            group.addTask { await open.nodes.follow(as: Podguard_V1_NodeState.self, into: sink, logger: logger, caughtUp: .caughtUp(bucket: open.nodes.bucket)) { .change(.node(name: SubjectToken.decode($0) ?? $0, $1)) } }
            // A verdict's age counts from the server's time of its write (ConnectivityFreshness).
            group.addTask { await open.connectivity.follow(as: Podguard_V1_ArrayConnectivity.self, into: sink, logger: logger, caughtUp: .caughtUp(bucket: open.connectivity.bucket)) { .change(.connectivity(key: $0, $1, storedAt: $2)) } }
            group.addTask {
                await open.fences.follow(into: sink, logger: logger, caughtUp: .caughtUp(bucket: open.fences.keyValue.bucket)) {
                    .change(.fence(podUID: SubjectToken.decode($0) ?? $0, $1))
                }
            }
            group.addTask {
                await open.control.follow(PodguardKeys.pause, as: Podguard_V1_PauseSwitch.self, logger: logger) { update in
                    switch update {
                    case .caughtUp: sink.yield(.caughtUp(bucket: open.control.bucket))
                    case .put(_, let value, _, _): sink.yield(.pause(value))
                    case .deleted: sink.yield(.pause(nil))
                    }
                }
            }
            group.addTask { [reevaluateEvery] in await sink.yieldTicks(every: reevaluateEvery, .tick) }

            var engine = engineSeed
            // Nothing is decided before every bucket is mirrored, the pause switch included.
            var pendingBuckets: Set<String> = [open.pods.bucket, open.nodes.bucket, open.connectivity.bucket, open.fences.keyValue.bucket, open.control.bucket]
            var recordedHealth: DecisionHealth?
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
                    guard pendingBuckets.isEmpty else { break }
                    effects = engine.reevaluateAll(now: now)
                    for uid in engine.reread.due(now: now) {
                        let read: RecordStore<Podguard_V1_FenceRecord>.Entry?
                        do {
                            read = try await open.fences.read(key: RecordStore<Podguard_V1_FenceRecord>.key(podUID: uid))
                        } catch {
                            continue  // the bus is away: due again after the next wait
                        }
                        guard read?.record != engine.mirror.fences[uid] else { continue }
                        // The watch fell behind the bucket (docs/chaos.md): the leader's value decides.
                        logger.warning("a FenceRecord in the mirror was behind the bucket; corrected from the bucket's leader", metadata: [
                            "podUID": "\(uid)", "mirrored": "\(engine.mirror.fences[uid].map { "\($0.phase)" } ?? "none")",
                            "bucket": "\(read.map { "\($0.record.phase)" } ?? "none")"])
                        effects += engine.handle(.fence(podUID: uid, read?.record), now: now)
                    }
                }
                for effect in effects {
                    // Work not done at shutdown is not lost: the next replica decides again from the buckets.
                    if case .unclaimed(let podKey) = await executor.execute(effect) { engine.claimLost(podKey: podKey) }
                }
                let health = engine.health(at: now)
                if health != recordedHealth {
                    DecisionMetrics.record(health, previous: recordedHealth)
                    recordedHealth = health
                }
            }
            readiness.set(Self.readinessComponent, ready: false, reason: "shutting down")
            group.cancelAll()
        }
    }
}
