public import Foundation

/// The level-based reconcile of one StatefulCluster: from what is (the observation) to what to do
/// (the plan). Pure and deterministic given the name source, so every rule is table-tested.
///
/// The rules, in order:
/// 1. A terminal pod (Failed, Succeeded, evicted) is deleted; it no longer counts.
/// 2. Liveness: an active pod on a healthy node not Ready for the liveness timeout is deleted. A
///    pod on a failed node is never replaced here: it may still be writing, and podguard fences
///    the node and force-deletes it; only then does it stop counting.
/// 3. A terminating pod still counts, so its replacement starts only once it is gone.
/// 4. Missing pods are created with new names and new claims, in parallel.
/// 5. Excess pods are deleted: unscheduled first, then not Ready, then not yet available, then the
///    newest. While a rollout is under way only pods of an old template are chosen, and only once
///    every pod of the new template is available (or when the old pod is not Ready anyway).
/// 6. A rollout surges one pod of the new template at a time when all is settled (no creation or
///    deletion in flight, every new pod available), and rule 5 then retires one old pod.
/// 7. An active pod's missing claims are created (its creation was cut short after the pod).
/// 8. Claims whose pod is gone are deleted when their retention is Delete: the one marked on them
///    when their pod was scaled away, else `whenReplaced`. `whenDeleted: Delete` is an owner
///    reference to the cluster on every claim, so the garbage collector takes them with it.
public enum ClusterReconciler {
    public static func plan(_ cluster: ClusterObservation, now: Date, names: inout some PodNameSource) -> ReconcilePlan {
        var deletions: [ReconcilePlan.PodDeletion] = []
        var requeue = Requeue()

        for pod in cluster.pods {
            if case .terminal = pod.phase { deletions.append(.init(podName: pod.name, uid: pod.uid, reason: .terminal)) }
        }
        let active = cluster.pods.filter(\.isActive)
        var live: [ObservedPod] = []
        for pod in active {
            if let deadline = livenessDeadline(of: pod, timeout: cluster.livenessTimeout) {
                if deadline <= now {
                    deletions.append(.init(podName: pod.name, uid: pod.uid, reason: .notLive))
                    continue
                }
                requeue.at(deadline, now: now)
            }
            live.append(pod)
        }
        for pod in live where pod.isReady && !isAvailable(pod, cluster: cluster, now: now) {
            requeue.at(pod.readySince!.addingTimeInterval(TimeInterval(cluster.minReadySeconds)), now: now)
        }

        let known = Set(cluster.pods.map(\.name))
        let pending = cluster.pendingCreations.subtracting(known)
        let terminatingCount = cluster.pods.count { $0.phase == .terminating }
        let current = live.filter { $0.revision == cluster.revision }
        let outdated = live.filter { $0.revision != cluster.revision }
        let newPodsAvailable = pending.isEmpty && current.allSatisfy { isAvailable($0, cluster: cluster, now: now) }

        // Rule 4: create what is missing.
        var creations: [ReconcilePlan.PodCreation] = []
        var taken = known.union(pending).union(cluster.claims.map(\.podName))
        let missing = cluster.replicas - (live.count + terminatingCount + pending.count)
        for _ in 0..<max(0, missing) { creations.append(newPod(cluster, taken: &taken, names: &names)) }

        // Rule 5: delete what is too much.
        let excess = live.count + pending.count - cluster.replicas
        if excess > 0 {
            let candidates: [ObservedPod]
            if outdated.isEmpty {
                candidates = live
            } else {
                candidates = outdated.filter { !$0.isReady || newPodsAvailable }
            }
            let victims = candidates.sorted { scaleDownRank($0, cluster: cluster, now: now) < scaleDownRank($1, cluster: cluster, now: now) }
            let reason: ReconcilePlan.DeletionReason = outdated.isEmpty ? .scaledDown : .rolledOut
            for pod in victims.prefix(excess) { deletions.append(.init(podName: pod.name, uid: pod.uid, reason: reason)) }
        }

        // Rule 6: surge one pod of the new template.
        if !outdated.isEmpty, excess <= 0, missing <= 0, terminatingCount == 0, newPodsAvailable,
           deletions.isEmpty, cluster.replicas > 0 {
            creations.append(newPod(cluster, taken: &taken, names: &names))
        }

        var plan = ReconcilePlan(status: status(cluster, active: active, now: now, creations: creations, deletions: deletions))
        plan.creations = creations
        plan.podDeletions = deletions
        planClaims(cluster, deletions: deletions, pending: pending, into: &plan)
        plan.requeueAfter = requeue.after
        return plan
    }

    // MARK: Rules about one pod

    /// When the pod stops being live, if the liveness rule applies to it at all.
    static func livenessDeadline(of pod: ObservedPod, timeout: Duration?) -> Date? {
        guard let timeout, pod.isActive, !pod.isReady, case .healthyNode = pod.placement else { return nil }
        let since = pod.notReadySince ?? pod.createdAt
        return since.addingTimeInterval(Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18)
    }

    static func isAvailable(_ pod: ObservedPod, cluster: ClusterObservation, now: Date) -> Bool {
        guard let since = pod.readySince else { return false }
        return since.addingTimeInterval(TimeInterval(cluster.minReadySeconds)) <= now
    }

    /// Lower goes first when pods must be deleted.
    static func scaleDownRank(_ pod: ObservedPod, cluster: ClusterObservation, now: Date) -> (Int, Int, Double, String) {
        let readiness: Int
        if case .unscheduled = pod.placement { readiness = 0 }
        else if !pod.isReady { readiness = 1 }
        else if !isAvailable(pod, cluster: cluster, now: now) { readiness = 2 }
        else { readiness = 3 }
        let template = pod.revision == cluster.revision ? 1 : 0
        return (readiness, template, -pod.createdAt.timeIntervalSince1970, pod.name)
    }

    static func newPod(_ cluster: ClusterObservation, taken: inout Set<String>, names: inout some PodNameSource) -> ReconcilePlan.PodCreation {
        let name = PodNaming.newName(cluster: cluster.name, avoiding: taken, source: &names)
        taken.insert(name)
        var claims: [String: String] = [:]
        for template in cluster.claimTemplates { claims[template] = PodNaming.claimName(template: template, pod: name) }
        return .init(podName: name, claims: claims)
    }

    // MARK: Claims

    static func planClaims(_ cluster: ClusterObservation, deletions: [ReconcilePlan.PodDeletion], pending: Set<String>,
                           into plan: inout ReconcilePlan) {
        let deleted = Set(deletions.map(\.podName))
        let existing = Set(cluster.claims.map(\.name)).union(cluster.pendingClaims)
        for pod in cluster.pods where pod.isActive && !deleted.contains(pod.name) {
            for template in cluster.claimTemplates {
                let claim = PodNaming.claimName(template: template, pod: pod.name)
                if !existing.contains(claim) { plan.claimCreations.append(.init(podName: pod.name, template: template, claimName: claim)) }
            }
        }
        let scaledAway = Set(deletions.filter { $0.reason == .scaledDown }.map(\.podName))
        let present = Set(cluster.pods.map(\.name)).union(pending)
        let ownedByCluster = cluster.retention.whenDeleted == .delete
        for claim in cluster.claims where !claim.terminating {
            if scaledAway.contains(claim.podName), claim.markedRetention != cluster.retention.whenScaled {
                plan.claimMarks[claim.name] = cluster.retention.whenScaled
            }
            if !present.contains(claim.podName), (claim.markedRetention ?? cluster.retention.whenReplaced) == .delete {
                plan.claimDeletions.append(claim.name)
                continue
            }
            if claim.ownedByCluster != ownedByCluster { plan.claimOwnership[claim.name] = ownedByCluster }
        }
        plan.claimDeletions.sort()
    }

    // MARK: Status

    static func status(_ cluster: ClusterObservation, active: [ObservedPod], now: Date,
                       creations: [ReconcilePlan.PodCreation], deletions: [ReconcilePlan.PodDeletion]) -> ClusterStatus {
        let ready = active.count(where: \.isReady)
        let available = active.count { isAvailable($0, cluster: cluster, now: now) }
        let updated = active.count { $0.revision == cluster.revision }
        let outdatedRevisions = active.compactMap { $0.revision == cluster.revision ? nil : $0.revision ?? "" }
        let currentRevision = mostCommon(outdatedRevisions) ?? cluster.revision
        let onFailedNodes = cluster.pods.compactMap { pod -> String? in
            if case .terminal = pod.phase { return nil }
            if case .failedNode = pod.placement { return pod.name }
            return nil
        }

        let settled = creations.isEmpty && deletions.isEmpty && cluster.pendingCreations.subtracting(active.map(\.name)).isEmpty
            && cluster.pods.allSatisfy(\.isActive) && updated == active.count && available >= cluster.replicas
            && active.count == cluster.replicas
        let progressReason: String
        let terminating = cluster.pods.count { $0.phase == .terminating }
        let terminal = cluster.pods.count { if case .terminal = $0.phase { true } else { false } }
        if !outdatedRevisions.isEmpty { progressReason = "RollingOut" }
        else if deletions.contains(where: { $0.reason != .scaledDown }) || terminal > 0 || (terminating > 0 && active.count < cluster.replicas) {
            progressReason = "ReplacingPods"
        } else if active.count < cluster.replicas { progressReason = "CreatingPods" }
        else if active.count > cluster.replicas || terminating > 0 { progressReason = "DeletingPods" }
        else { progressReason = "WaitingForAvailability" }

        var conditions: [ClusterCondition] = []
        func add(_ kind: ClusterCondition.Kind, _ status: Bool, _ reason: String, _ message: String) {
            let previous = cluster.previousConditions.first { $0.type == kind }
            let since = previous.flatMap { $0.status == status ? $0.lastTransitionTime : nil } ?? now
            conditions.append(.init(type: kind, status: status, reason: reason, message: message, lastTransitionTime: since))
        }
        add(.available, available >= cluster.replicas, available >= cluster.replicas ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
            "\(available) of \(cluster.replicas) pods available")
        add(.progressing, !settled, settled ? "Settled" : progressReason,
            settled ? "every pod runs the current template" : "\(updated) of \(cluster.replicas) pods on the current template, \(ready) ready")
        if let failure = cluster.creationFailure {
            add(.replicaFailure, true, "FailedCreate", failure)
        } else {
            add(.replicaFailure, false, "CreationsSucceeded", "the last creations succeeded")
        }
        add(.awaitingFencing, !onFailedNodes.isEmpty, onFailedNodes.isEmpty ? "NoPodsOnFailedNodes" : "PodsOnFailedNodes",
            onFailedNodes.isEmpty ? "no pod is on a failed node"
                : "left to podguard's fencing, not replaced beside a possible writer: \(onFailedNodes.sorted().joined(separator: ", "))")

        return ClusterStatus(observedGeneration: cluster.generation, replicas: active.count, readyReplicas: ready, availableReplicas: available,
                             updatedReplicas: updated, currentPods: active.map(\.name).sorted(), currentRevision: currentRevision,
                             updateRevision: cluster.revision, conditions: conditions)
    }

    static func mostCommon(_ values: [String]) -> String? {
        var counts: [String: Int] = [:]
        for value in values { counts[value, default: 0] += 1 }
        return counts.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key
    }

    /// The earliest future instant worth a look.
    struct Requeue {
        var after: Duration?

        mutating func at(_ instant: Date, now: Date) {
            let wait = Duration.milliseconds(max(0, Int64((instant.timeIntervalSince(now) * 1000).rounded(.up))))
            after = after.map { min($0, wait) } ?? wait
        }
    }
}
