/// What one reconcile of a StatefulCluster asks the service to do, in this order: mark claims,
/// create pods then their claims, create missing claims, delete pods, delete claims, write the
/// status. A pod comes before its claims so that no claim is ever made for a pod that does not
/// exist: a controller stopped between the two leaves a pod whose claims the next reconcile makes
/// (the scheduler waits for them), never a claim (and its volume) nobody will use. Every step is idempotent
/// against the API (an existing claim or a pod already gone is success), so a plan cut short by a
/// crash is finished by the next reconcile.
public struct ReconcilePlan: Sendable, Equatable {
    /// A new identity: the pod and one claim per template (`<template>-<pod>`).
    public struct PodCreation: Sendable, Equatable {
        public var podName: String
        /// Claim name by template name.
        public var claims: [String: String]

        public init(podName: String, claims: [String: String]) {
            self.podName = podName
            self.claims = claims
        }
    }

    /// A claim of an existing pod that is missing (its creation was cut short).
    public struct ClaimCreation: Sendable, Equatable {
        public var podName: String
        public var template: String
        public var claimName: String

        public init(podName: String, template: String, claimName: String) {
            self.podName = podName
            self.template = template
            self.claimName = claimName
        }
    }

    public enum DeletionReason: String, Sendable, Equatable {
        /// Failed or Succeeded (evicted pods are Failed): replaced by a new identity.
        case terminal
        /// Not Ready for the liveness timeout on a healthy node.
        case notLive
        /// More pods than replicas.
        case scaledDown
        /// Of an old template, after a pod of the new one became available.
        case rolledOut
    }

    public struct PodDeletion: Sendable, Equatable {
        public var podName: String
        /// The delete is preconditioned on this uid, so a pod is never deleted for what another
        /// pod of the same name was.
        public var uid: String
        public var reason: DeletionReason

        public init(podName: String, uid: String, reason: DeletionReason) {
            self.podName = podName
            self.uid = uid
            self.reason = reason
        }
    }

    /// Claims to annotate with the retention decided for them before their pod is deleted.
    public var claimMarks: [String: ClaimRetention] = [:]
    public var creations: [PodCreation] = []
    public var claimCreations: [ClaimCreation] = []
    public var podDeletions: [PodDeletion] = []
    /// Claims whose pod is gone and whose retention is Delete.
    public var claimDeletions: [String] = []
    /// Claims whose owner reference to the cluster must be added (true) or removed (false), so
    /// `whenDeleted` holds when the policy changed after they were made.
    public var claimOwnership: [String: Bool] = [:]
    public var status: ClusterStatus
    /// When to look again although nothing changes meanwhile (a liveness timeout, minReadySeconds).
    public var requeueAfter: Duration?

    public init(status: ClusterStatus) {
        self.status = status
    }

    public var changesObjects: Bool {
        !claimMarks.isEmpty || !creations.isEmpty || !claimCreations.isEmpty || !podDeletions.isEmpty || !claimDeletions.isEmpty || !claimOwnership.isEmpty
    }
}
