import ArrayFamily
import FamilyCatalog
import Foundation
import Kube
import Logging
import StatefulClusterCore
import Synchronization

/// One reconcile of one StatefulCluster: read the caches, ask ``ClusterReconciler`` for the plan,
/// carry it out, write the status. Every call is idempotent, so a reconcile cut short (a crash, a
/// lost Lease) is finished by the next one; nothing is remembered between reconciles but the
/// expectations of this replica's own writes.
final class ClusterReconcile: Sendable {
    let client: KubeClient
    let caches: ClusterCaches
    let settings: StatefulClusterSettings
    let expectations: Expectations
    let events: EventRecorder
    let metrics: StatefulClusterMetrics
    let logger: Logger
    /// The last creation failure per cluster key (the ReplicaFailure condition).
    let failures = Mutex<[String: String]>([:])

    init(client: KubeClient, caches: ClusterCaches, settings: StatefulClusterSettings, expectations: Expectations, events: EventRecorder,
         metrics: StatefulClusterMetrics, logger: Logger) {
        self.client = client
        self.caches = caches
        self.settings = settings
        self.expectations = expectations
        self.events = events
        self.metrics = metrics
        self.logger = logger
    }

    /// Reconciles the cluster with this key (`namespace/name`); returns when to look again.
    func reconcile(key: String) async -> Duration? {
        let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return nil }
        guard let cluster = caches.cluster(namespace: parts[0], name: parts[1]), cluster.metadata.deletionTimestamp == nil else {
            expectations.forget(key)
            failures.withLock { $0[key] = nil }
            return nil
        }
        metrics.count(\.reconciles)
        let spec: ClusterSpec
        do {
            spec = try ClusterSpec(cluster)
        } catch {
            await writeInvalidSpec(cluster, error: error)
            return nil
        }
        let pods = caches.pods(of: cluster)
        let activeUIDs = Set(pods.filter { $0.metadata.deletionTimestamp == nil }.compactMap(\.uid))
        let deleting = expectations.pending(.podDeleted, in: key) { !activeUIDs.contains($0) }
        let observedPods = pods.map { pod in
            var observed = ObservedPod(pod, node: pod.nodeName.flatMap { caches.nodes.get(name: $0) })
            if deleting.contains(observed.uid), observed.isActive { observed.phase = .terminating }
            return observed
        }
        let claims = caches.claims(of: cluster)
        let podNames = Set(pods.map(\.name)), claimNames = Set(claims.map(\.name))
        let standingClaims = Set(claims.filter { $0.metadata.deletionTimestamp == nil }.map(\.name))
        let claimsDeleting = expectations.pending(.claimDeleted, in: key) { standingClaims.contains($0) == false }
        let observation = ClusterObservation(
            name: cluster.name, generation: cluster.metadata.generation ?? 0, replicas: spec.replicas, revision: spec.revision,
            claimTemplates: spec.claimTemplateNames, minReadySeconds: spec.minReadySeconds,
            livenessTimeout: spec.livenessTimeoutSeconds.map { $0 > 0 ? .seconds($0) : nil } ?? settings.notReadyTimeout,
            retention: spec.retention,
            pods: observedPods,
            claims: claims.compactMap { claim in
                var observed = ObservedClaim(claim, clusterUID: cluster.uid ?? "")
                if claimsDeleting.contains(claim.name) { observed?.terminating = true }
                return observed
            },
            pendingCreations: expectations.pending(.podCreated, in: key) { podNames.contains($0) },
            pendingClaims: expectations.pending(.claimCreated, in: key) { claimNames.contains($0) },
            previousConditions: ClusterCondition.parse(cluster.status),
            creationFailure: failures.withLock { $0[key] })
        var names = SystemPodNameSource()
        let plan = ClusterReconciler.plan(observation, now: Date(), names: &names)
        if plan.changesObjects {
            logger.info("reconciling", metadata: [
                "cluster": "\(key)", "create": "\(plan.creations.map(\.podName))", "createClaims": "\(plan.claimCreations.map(\.claimName))",
                "delete": "\(plan.podDeletions.map { "\($0.podName) (\($0.reason.rawValue))" })", "deleteClaims": "\(plan.claimDeletions)",
            ])
        }
        let factory = ClusterObjectFactory(cluster: cluster, spec: spec, protectionLabel: protectionLabel(for: spec))
        await carryOut(plan, cluster: cluster, key: key, factory: factory)
        await writeStatus(plan.status.json(selector: spec.selector.rendered), of: cluster)
        return plan.requeueAfter
    }

    // MARK: Carrying out the plan

    func carryOut(_ plan: ReconcilePlan, cluster: StatefulClusterObject, key: String, factory: ClusterObjectFactory) async {
        let namespace = cluster.namespace ?? ""
        for (claim, retention) in plan.claimMarks.sorted(by: { $0.key < $1.key }) {
            await attempt("mark claim \(claim)") {
                _ = try await client.patch(PersistentVolumeClaim.self, name: claim, namespace: namespace,
                                           patch: .annotations([StatefulClusterLabels.retention: retention.rawValue]))
            }
        }
        // Creations and deletions are independent of each other: all at once, as the seed's
        // "no ordering" asks.
        await withTaskGroup(of: Void.self) { group in
            for creation in plan.creations {
                group.addTask { await self.create(creation, cluster: cluster, key: key, factory: factory) }
            }
            for deletion in plan.podDeletions {
                group.addTask { await self.delete(deletion, cluster: cluster, key: key) }
            }
            for missing in plan.claimCreations {
                group.addTask {
                    do {
                        try await self.createClaim(missing.claimName, podName: missing.podName, template: missing.template,
                                                   cluster: cluster, key: key, factory: factory)
                    } catch {
                        await self.reportCreationFailure("creating claim \(missing.claimName) of pod \(missing.podName)", error, cluster: cluster, key: key)
                    }
                }
            }
        }
        for claim in plan.claimDeletions {
            await attempt("delete claim \(claim)") {
                expectations.expect(.claimDeleted, claim, in: key)
                try await client.delete(PersistentVolumeClaim.self, name: claim, namespace: namespace)
                metrics.count(\.claimsDeleted)
            }
        }
        for (claim, owned) in plan.claimOwnership.sorted(by: { $0.key < $1.key }) {
            await attempt("owner reference of claim \(claim)") {
                _ = try await client.patch(PersistentVolumeClaim.self, name: claim, namespace: namespace,
                                           patch: .merge(.object(["metadata": .object(["ownerReferences": owned ? .array([factory.claimOwnerReference]) : .null])])))
            }
        }
    }

    /// The pod first, then its claims (ReconcilePlan says why).
    func create(_ creation: ReconcilePlan.PodCreation, cluster: StatefulClusterObject, key: String, factory: ClusterObjectFactory) async {
        let namespace = cluster.namespace ?? ""
        let pod: JSONValue
        do {
            expectations.expect(.podCreated, creation.podName, in: key)
            pod = try await client.createObject(Pod.resource, factory.pod(creation), namespace: namespace)
            metrics.count(\.podsCreated)
        } catch {
            await reportCreationFailure("creating pod \(creation.podName)", error, cluster: cluster, key: key)
            return
        }
        do {
            for (template, claim) in creation.claims.sorted(by: { $0.key < $1.key }) {
                try await createClaim(claim, podName: creation.podName, template: template, cluster: cluster, key: key, factory: factory)
            }
        } catch let error as ForeignClaim {
            // The pod would mount a claim that is not its own: it must not start.
            let uid = pod["metadata"]?["uid"]?.stringValue
            await attempt("delete pod \(creation.podName) of a foreign claim") {
                try await client.delete(Pod.self, name: creation.podName, namespace: namespace, options: DeleteOptions(preconditionUID: uid))
            }
            await reportCreationFailure("creating pod \(creation.podName)", error, cluster: cluster, key: key)
            return
        } catch {
            // The pod exists: the next reconcile makes its missing claims.
            await reportCreationFailure("creating the claims of pod \(creation.podName)", error, cluster: cluster, key: key)
            return
        }
        failures.withLock { $0[key] = nil }
        _ = await events.record(regarding: ObjectReference(to: cluster), type: "Normal", reason: "SuccessfulCreate",
                                note: "created pod \(creation.podName) with claims \(creation.claims.values.sorted().joined(separator: ", "))")
    }

    /// A claim named for a pod of ours that some other owner made.
    struct ForeignClaim: Error, CustomStringConvertible {
        var claim: String
        var description: String { "claim \(claim) exists and is not this StatefulCluster's" }
    }

    /// Creates one claim of a pod; one already there for this pod (an earlier attempt) is success.
    func createClaim(_ name: String, podName: String, template: String, cluster: StatefulClusterObject, key: String,
                     factory: ClusterObjectFactory) async throws {
        let namespace = cluster.namespace ?? ""
        guard let object = factory.claims(.init(podName: podName, claims: [template: name])).first?.object else { return }
        do {
            expectations.expect(.claimCreated, name, in: key)
            _ = try await client.createObject(PersistentVolumeClaim.resource, object, namespace: namespace)
            metrics.count(\.claimsCreated)
        } catch let error as KubeError where error.isAlreadyExists {
            let existing = try await client.get(PersistentVolumeClaim.self, name: name, namespace: namespace)
            guard existing.metadata.labels?[StatefulClusterLabels.pod] == podName,
                  existing.metadata.labels?[StatefulClusterLabels.cluster] == cluster.name else { throw ForeignClaim(claim: name) }
        }
    }

    func reportCreationFailure(_ what: String, _ error: any Error, cluster: StatefulClusterObject, key: String) async {
        let reason = "\(what): \(Self.describe(error))"
        failures.withLock { $0[key] = reason }
        metrics.count(\.failures)
        logger.warning("creation failed", metadata: ["cluster": "\(key)", "error": "\(reason)"])
        _ = await events.record(regarding: ObjectReference(to: cluster), type: "Warning", reason: "FailedCreate", note: reason)
    }

    func delete(_ deletion: ReconcilePlan.PodDeletion, cluster: StatefulClusterObject, key: String) async {
        expectations.expect(.podDeleted, deletion.uid, in: key)
        await attempt("delete pod \(deletion.podName)") {
            do {
                try await client.delete(Pod.self, name: deletion.podName, namespace: cluster.namespace,
                                        options: DeleteOptions(preconditionUID: deletion.uid))
            } catch let error as KubeError where error.isConflict {
                return   // another pod of that name now: not the one meant
            }
            metrics.count(\.podsDeleted)
            _ = await events.record(regarding: ObjectReference(to: cluster), type: "Normal", reason: "SuccessfulDelete",
                                    note: "deleted pod \(deletion.podName): \(deletion.reason.explanation)")
        }
    }

    /// Runs one write; a missing object is success (the goal is reached), a failure is logged and
    /// left to the next reconcile.
    func attempt(_ what: String, _ body: () async throws -> Void) async {
        do {
            try await body()
        } catch let error as KubeError where error.isNotFound {
            return
        } catch {
            metrics.count(\.failures)
            logger.warning("\(what) failed", metadata: ["error": "\(Self.describe(error))"])
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? KubeError, let message = error.status?.message { return message }
        return "\(error)"
    }

    // MARK: Status

    func writeStatus(_ status: JSONValue, of cluster: StatefulClusterObject) async {
        guard cluster.status != status else { return }
        await attempt("status of \(cluster.key)") {
            _ = try await client.patch(StatefulClusterObject.self, name: cluster.name, namespace: cluster.namespace,
                                       patch: .merge(.object(["status": status])), subresource: "status")
        }
    }

    /// An invalid spec: no pod is touched; the status says why.
    func writeInvalidSpec(_ cluster: StatefulClusterObject, error: ClusterSpecError) async {
        let previous = ClusterCondition.parse(cluster.status).first { $0.type == .replicaFailure }
        let since = previous?.status == true && previous?.reason == "InvalidSpec" ? previous!.lastTransitionTime : Date()
        var status = cluster.status ?? .object([:])
        status["observedGeneration"] = .number(Double(cluster.metadata.generation ?? 0))
        var conditions = (status["conditions"]?.arrayValue ?? []).filter { $0["type"]?.stringValue != ClusterCondition.Kind.replicaFailure.rawValue }
        conditions.append(ClusterCondition(type: .replicaFailure, status: true, reason: "InvalidSpec", message: error.description,
                                           lastTransitionTime: since).json)
        status["conditions"] = .array(conditions)
        logger.warning("invalid spec", metadata: ["cluster": "\(cluster.key)", "error": "\(error)"])
        await writeStatus(status, of: cluster)
    }

    // MARK: Protection

    /// podguard's label for the pods: configured, else from the first claim template's
    /// StorageClass provisioner (a Dell driver's podmon value, else the driver name, which is what
    /// the generic adapter protects by default).
    func protectionLabel(for spec: ClusterSpec) -> (key: String, value: String)? {
        guard !settings.protectionLabelKey.isEmpty else { return nil }
        if !settings.protectionLabelValue.isEmpty { return (settings.protectionLabelKey, settings.protectionLabelValue) }
        for template in spec.claimTemplates {
            let named = template["spec"]?["storageClassName"]?.stringValue
            let storageClass = named.map { caches.storageClasses.get(name: $0) } ?? caches.defaultStorageClass
            guard let provisioner = storageClass?.provisioner, !provisioner.isEmpty else { continue }
            let dell = ArrayFamilyCatalog.dell.first { $0.csiDriverName == provisioner }
            return (settings.protectionLabelKey, dell?.podmonLabelValue ?? provisioner)
        }
        return nil
    }
}

extension ReconcilePlan.DeletionReason {
    var explanation: String {
        switch self {
        case .terminal: "it failed, succeeded or was evicted; a new identity replaces it"
        case .notLive: "not Ready for the liveness timeout on a healthy node; a new identity replaces it"
        case .scaledDown: "more pods than replicas"
        case .rolledOut: "of an older template; a pod of the current one is available"
        }
    }
}
