import Contracts
import Foundation
import Kube
import KubeService
import Logging
import ServiceKit

extension WatcherService {
    func handle(_ input: WatcherInput, loop: inout EventLoopState, informers: ClusterInformers, publisher: inout StatePublisher) async {
        var keys: Set<StateKey> = []
        var syncAction = WatcherRole.Action.none
        switch input {
        case .pod(let event):
            syncAction = count(event, kind: "pods", cached: informers.pods.count, in: &loop)
            keys = informers.stateKeys(affectedBy: event)
        case .node(let event):
            syncAction = count(event, kind: "nodes", cached: informers.nodes.count, in: &loop)
            keys = informers.stateKeys(affectedBy: event)
        case .claim(let event):
            syncAction = count(event, kind: "claims", cached: informers.claims.count, in: &loop)
            keys = informers.stateKeys(affectedBy: event)
        case .volume(let event):
            syncAction = count(event, kind: "volumes", cached: informers.volumes.count, in: &loop)
            keys = informers.stateKeys(affectedBy: event)
        case .attachment(let event):
            syncAction = count(event, kind: "attachments", cached: informers.attachments.count, in: &loop)
            keys = informers.stateKeys(affectedBy: event)
        case .driverPod(let event):
            syncAction = count(event, kind: "driverPods", cached: informers.driverPods.count, in: &loop)
            keys = informers.stateKeys(affectedByDriverPod: event)
        case .leadership(.acquired):
            logger.info("leading: publishing state", metadata: ["lease": "\(settings.leaderElection.leaseName)", "identity": "\(settings.identity)"])
            metrics.leader(true)
            await perform(loop.role.leadershipAcquired(), loop: &loop, informers: informers, publisher: &publisher)
        case .leadership(.lost(let reason)):
            logger.warning("no longer leading: standing by", metadata: ["reason": "\(reason)"])
            metrics.leader(false)
            await perform(loop.role.leadershipLost(), loop: &loop, informers: informers, publisher: &publisher)
        case .leadership(.observedLeader(let holder)):
            logger.info("leader observed", metadata: ["holder": "\(holder ?? "none")"])
        case .tick:
            if loop.role.publishes, publisher.needsRepair || ContinuousClock.now - loop.lastReconcile >= loop.reconcileEvery {
                await perform(.reconcile, loop: &loop, informers: informers, publisher: &publisher)
            }
        }
        // Reconciling on sync covers every event so far: nothing before it needs publishing.
        if syncAction != .none { return await perform(syncAction, loop: &loop, informers: informers, publisher: &publisher) }
        guard loop.role.publishes, !keys.isEmpty else { return }
        await refresh(keys, informers: informers, publisher: &publisher)
    }

    /// Projects the snapshots of `keys` again from the caches and writes what changed; a key whose
    /// object is no longer cached is deleted.
    func refresh(_ keys: Set<StateKey>, informers: ClusterInformers, publisher: inout StatePublisher) async {
        let now = Date()
        for key in keys {
            switch key {
            case .node(let name):
                if let node = informers.nodes.get(name: name) {
                    await publisher.update(node: projector.nodeState(node, in: informers, now: now))
                } else {
                    await publisher.removeNode(named: name)
                }
            case .pod(let namespace, let name):
                if let pod = informers.pods.get(name: name, namespace: namespace) {
                    await publisher.update(pod: projector.podState(pod, in: informers, now: now))
                } else {
                    await publisher.removePod(namespace: namespace, name: name)
                }
            }
        }
    }

    func perform(_ action: WatcherRole.Action, loop: inout EventLoopState, informers: ClusterInformers,
                 publisher: inout StatePublisher) async {
        switch action {
        case .none:
            return
        case .stopPublishing:
            publisher.stopPublishing()
        case .reconcile:
            let started = ContinuousClock.now
            let now = Date()
            // Projected chunk by chunk inside the reconcile, never all at once.
            let nodes = informers.nodes.list().sorted { $0.name < $1.name }
            let pods = informers.pods.list().map { (key: PodguardKeys.pod(namespace: $0.namespace ?? "", name: $0.name), pod: $0) }
                .sorted { $0.key < $1.key }
            do {
                let writes = try await publisher.reconcile(
                    nodeSources: nodes, node: { (key: PodguardKeys.node($0.name), state: projector.nodeState($0, in: informers, now: now)) },
                    podSources: pods, pod: { (key: $0.key, state: projector.podState($0.pod, in: informers, now: now)) })
                let duration = ContinuousClock.now - started
                metrics.reconciled(duration: duration, writes: writes)
                logger.info("reconciled the state buckets", metadata: [
                    "nodes": "\(nodes.count)", "pods": "\(pods.count)", "writes": "\(writes)", "duration": "\(duration)"])
            } catch {
                logger.warning("could not reconcile the state buckets; will retry", metadata: ["error": "\(error)"])
            }
            loop.lastReconcile = ContinuousClock.now
        }
    }

    /// Keeps the object counts; returns the role's action once every cache has synced.
    /// The informers report no `.added` for their first list (the caches are read whole at sync),
    /// so the count is the cache's own.
    private func count<T>(_ event: InformerEvent<T>, kind: String, cached: Int, in loop: inout EventLoopState) -> WatcherRole.Action {
        var action = WatcherRole.Action.none
        loop.counts[kind] = cached
        switch event {
        case .added, .deleted: break
        case .updated: return .none
        case .synced:
            loop.syncedInformers += 1
            logger.debug("cache synced", metadata: ["kind": "\(kind)", "objects": "\(loop.counts[kind, default: 0])"])
            if loop.syncedInformers == ClusterInformers.count {
                readiness.set(Self.readinessComponent, ready: true)
                logger.info("caches synced", metadata: ["pods": "\(loop.counts["pods", default: 0])",
                                                        "nodes": "\(loop.counts["nodes", default: 0])"])
                action = loop.role.allCachesSynced()
            }
        }
        metrics.mirrored(kind: kind, count: loop.counts[kind, default: 0])
        return action
    }
}
