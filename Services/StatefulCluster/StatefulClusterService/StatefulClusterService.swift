import Foundation
public import Kube
import KubeService
public import Logging
public import ServiceKit
public import ServiceLifecycle

/// The StatefulCluster controller: every replica keeps its caches warm; the Lease holder
/// reconciles. Informer events enqueue the cluster they concern; workers reconcile keys from the
/// queue, never one key on two workers at once; becoming leader and the periodic resync enqueue
/// every cluster (level-based: a restarted or new leader starts from what the API holds).
public struct StatefulClusterService: Service {
    let client: KubeClient
    let settings: StatefulClusterSettings
    let leaseNamespace: String
    let readiness: ReadinessRegistry
    let logger: Logger
    let workers: Int
    public static let readinessComponent = "statefulcluster-caches"

    public init(client: KubeClient, settings: StatefulClusterSettings, leaseNamespace: String, readiness: ReadinessRegistry,
                logger: Logger, workers: Int = 4) {
        self.client = client
        self.settings = settings
        self.leaseNamespace = leaseNamespace
        self.readiness = readiness
        self.logger = logger
        self.workers = workers
        readiness.register(Self.readinessComponent)
    }

    public func run() async throws {
        let caches = ClusterCaches(client: client, namespaces: settings.namespaces)
        let elector = LeaderElector(client: client, configuration: settings.leaderElection.election(defaultNamespace: leaseNamespace))
        let queue = ReconcileQueue()
        let metrics = StatefulClusterMetrics()
        let reconcile = ClusterReconcile(client: client, caches: caches, settings: settings, expectations: Expectations(),
                                         events: EventRecorder(client: client, controller: "podguard-statefulcluster",
                                                               instance: settings.leaderElection.identity),
                                         metrics: metrics, logger: logger)
        let gate = LeadershipGate(informers: caches.informerCount)
        metrics.leader(false)
        let enqueueAll: @Sendable () async -> Void = { await Self.enqueueAll(caches, gate: gate, queue: queue) }

        await withTaskGroup(of: Void.self) { group in
            for informer in caches.clusters {
                Self.follow(informer, in: &group, gate: gate, queue: queue, readiness: readiness, onAllSynced: enqueueAll) { [$0.key] }
            }
            for informer in caches.pods { Self.follow(informer, in: &group, gate: gate, queue: queue, readiness: readiness, onAllSynced: enqueueAll, keys: Self.owner) }
            for informer in caches.claims { Self.follow(informer, in: &group, gate: gate, queue: queue, readiness: readiness, onAllSynced: enqueueAll, keys: Self.owner) }
            // A node's health decides liveness and AwaitingFencing for every cluster with pods on it.
            Self.follow(caches.nodes, in: &group, gate: gate, queue: queue, readiness: readiness, onAllSynced: enqueueAll) { node in
                caches.pods.flatMap { $0.objects(index: "nodeName", value: node.name) }.flatMap(Self.owner)
            }
            Self.follow(caches.storageClasses, in: &group, gate: gate, queue: queue, readiness: readiness, onAllSynced: enqueueAll) { _ in [] }
            group.addTask { await elector.run() }
            group.addTask {
                for await change in elector.changes {
                    switch change {
                    case .acquired:
                        logger.info("leading: reconciling every StatefulCluster", metadata: ["identity": "\(settings.leaderElection.identity)"])
                        metrics.leader(true)
                        gate.setLeader(true)
                        await enqueueAll()
                    case .lost(let reason):
                        logger.warning("not leading", metadata: ["reason": "\(reason)"])
                        metrics.leader(false)
                        gate.setLeader(false)
                    case .observedLeader: break
                    }
                }
            }
            group.addTask {
                while (try? await Task.sleep(for: settings.resyncEvery)) != nil { await enqueueAll() }
            }
            for _ in 0..<workers {
                group.addTask {
                    while let key = await queue.next() {
                        // Only the leader writes; a key taken while not leading waits for the
                        // enqueue-all of the next acquisition.
                        if gate.mayAct {
                            if let after = await reconcile.reconcile(key: key) { queue.add(key, after: max(after, .milliseconds(100))) }
                        }
                        await queue.done(key)
                    }
                }
            }
            try? await gracefulShutdown()
            readiness.set(Self.readinessComponent, ready: false, reason: "shutting down")
            await queue.shutDown()
            metrics.leader(false)
            // Cancelling the elector releases the Lease, so a standby takes over at once.
            group.cancelAll()
        }
        logger.info("statefulcluster controller stopped")
    }

    /// The cluster key of a pod or claim: `namespace/<cluster label>` (none without the label).
    static func owner<T: KubeResource>(_ object: T) -> [String] {
        guard let cluster = object.metadata.labels?[StatefulClusterLabels.cluster], let namespace = object.namespace else { return [] }
        return ["\(namespace)/\(cluster)"]
    }

    static func follow<T: KubeResource>(_ informer: Informer<T>, in group: inout TaskGroup<Void>, gate: LeadershipGate, queue: ReconcileQueue,
                                        readiness: ReadinessRegistry, onAllSynced: @escaping @Sendable () async -> Void,
                                        keys: @escaping @Sendable (T) -> [String]) {
        group.addTask { await informer.run() }
        group.addTask {
            for await event in informer.events {
                switch event {
                case .added(let object), .deleted(let object):
                    for key in keys(object) { await queue.add(key) }
                case .updated(let old, let new):
                    for key in Set(keys(old) + keys(new)) { await queue.add(key) }
                case .synced:
                    if gate.informerSynced() {
                        readiness.set(readinessComponent, ready: true, reason: "caches synced")
                        await onAllSynced()
                    }
                }
            }
        }
    }

    static func enqueueAll(_ caches: ClusterCaches, gate: LeadershipGate, queue: ReconcileQueue) async {
        guard gate.mayAct else { return }
        for cluster in caches.allClusters { await queue.add(cluster.key) }
    }
}
