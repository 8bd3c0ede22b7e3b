import Bus
import BusService
import Contracts
import Foundation
import Kube
import KubeService
import Logging
import ServiceKit
import ServiceLifecycle

/// The watcher: mirrors Kubernetes into NodeState/PodState snapshots in the `nodes`/`pods`
/// buckets and on the state subjects. The only producer of both.
///
/// Every replica keeps warm caches (six informers); only the Lease holder writes. On becoming
/// leader — and every `reconcileEvery`, and after a failed write — it reconciles: reads the
/// buckets, puts what differs from the caches and deletes the keys of objects that no longer exist
/// (deleted while no one led, or while this replica was down). Between reconciles each event
/// re-projects only the snapshots it can change, and only changed content is written.
///
/// All writes happen on one task, in event order, so a key's delete is never overtaken by a put
/// decided before it; the ledgers refuse any snapshot of a uid whose deletion was observed.
public struct WatcherService: Service {
    let bus: PodguardBus
    let client: KubeClient
    let settings: WatcherSettings
    let leaseNamespace: String
    let projector: StateProjector
    let readiness: ReadinessRegistry
    let logger: Logger
    let metrics = WatcherMetrics()
    public static let readinessComponent = "watcher-caches"

    public init(bus: PodguardBus, client: KubeClient, settings: WatcherSettings,
                leaseNamespace: String, version: String, readiness: ReadinessRegistry, logger: Logger) {
        self.bus = bus
        self.client = client
        self.settings = settings
        self.leaseNamespace = leaseNamespace
        self.projector = StateProjector(settings: settings, version: version)
        self.readiness = readiness
        self.logger = logger
        readiness.register(Self.readinessComponent)
    }

    var leaderElection: LeaderElectionConfiguration {
        settings.leaderElection.election(defaultNamespace: leaseNamespace)
    }

    public func run() async throws {
        let open = try await bus.open(logger: logger)
        let informers = ClusterInformers(client: client, settings: settings)
        let elector = LeaderElector(client: client, configuration: leaderElection)
        let subjects = bus.subjects
        let mayWrite: @Sendable () -> Bool = { elector.isLeader }
        var publisher = StatePublisher(
            nodeWriter: StateWriter(connection: bus.connection, bucket: open.nodes, kind: "node", subject: { subjects.nodeState($0.name) },
                                    metrics: metrics, logger: logger, mayWrite: mayWrite),
            podWriter: StateWriter(connection: bus.connection, bucket: open.pods, kind: "pod",
                                   subject: { subjects.podState(namespace: $0.namespace, name: $0.name) },
                                   metrics: metrics, logger: logger, mayWrite: mayWrite),
            metrics: metrics)
        metrics.leader(false)

        let (inputs, sink) = AsyncStream<WatcherInput>.makeStream()
        await withTaskGroup(of: Void.self) { group in
            Self.start(informers.pods, in: &group, forwardingTo: sink) { .pod($0) }
            Self.start(informers.nodes, in: &group, forwardingTo: sink) { .node($0) }
            Self.start(informers.claims, in: &group, forwardingTo: sink) { .claim($0) }
            Self.start(informers.volumes, in: &group, forwardingTo: sink) { .volume($0) }
            Self.start(informers.attachments, in: &group, forwardingTo: sink) { .attachment($0) }
            Self.start(informers.driverPods, in: &group, forwardingTo: sink) { .driverPod($0) }
            group.addTask { await elector.run() }
            group.addTask { for await change in elector.changes { sink.yield(.leadership(change)) } }
            let tickEvery = min(settings.reconcileEvery, .seconds(2))
            group.addTask {
                while (try? await Task.sleep(for: tickEvery)) != nil { sink.yield(.tick) }
            }

            var loop = EventLoopState(settings: settings)
            for await input in inputs.cancelOnGracefulShutdown() {
                await handle(input, loop: &loop, informers: informers, publisher: &publisher)
            }
            if loop.role.stop() == .stopPublishing { publisher.stopPublishing() }
            readiness.set(Self.readinessComponent, ready: false, reason: "shutting down")
            metrics.leader(false)
            // Cancelling the elector releases the Lease, so a standby takes over at once.
            group.cancelAll()
        }
        logger.info("watcher stopped")
    }

    /// What the event task keeps between inputs.
    struct EventLoopState {
        var role = WatcherRole()
        var syncedInformers = 0
        var counts: [String: Int] = [:]
        var lastReconcile = ContinuousClock.now
        let reconcileEvery: Duration

        init(settings: WatcherSettings) {
            reconcileEvery = settings.reconcileEvery
        }
    }

    static func start<T: KubeResource>(_ informer: Informer<T>, in group: inout TaskGroup<Void>,
                                       forwardingTo sink: AsyncStream<WatcherInput>.Continuation,
                                       _ wrap: @escaping @Sendable (InformerEvent<T>) -> WatcherInput) {
        group.addTask { await informer.run() }
        group.addTask { for await event in informer.events { sink.yield(wrap(event)) } }
    }
}
