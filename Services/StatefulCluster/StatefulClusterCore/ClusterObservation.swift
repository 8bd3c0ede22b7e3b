public import Foundation

/// What the reconcile of one StatefulCluster reads: its spec as far as the policy needs it, and
/// the pods and claims it owns, each reduced to the facts a rule looks at. The service builds it
/// from the informers' caches; the core never sees JSON or a client.
public struct ClusterObservation: Sendable, Equatable {
    public var name: String
    public var generation: Int64
    public var replicas: Int
    /// Hash of the pod template and claim templates (the pods' revision label).
    public var revision: String
    public var claimTemplates: [String]
    /// A pod counts as available once Ready for this long.
    public var minReadySeconds: Int
    /// A pod not Ready for this long on a healthy node is replaced; nil: never.
    public var livenessTimeout: Duration?
    public var retention: ClaimRetentionPolicy
    public var pods: [ObservedPod]
    public var claims: [ObservedClaim]
    /// Pods this controller created whose creation the caches have not shown yet.
    public var pendingCreations: Set<String>
    /// Claims this controller created that the caches have not shown yet.
    public var pendingClaims: Set<String>
    /// The conditions last written, so a transition time is kept while the status holds.
    public var previousConditions: [ClusterCondition]
    /// Why the last pod or claim creation failed, if it did (the ReplicaFailure condition).
    public var creationFailure: String?

    public init(name: String, generation: Int64 = 1, replicas: Int, revision: String, claimTemplates: [String] = [],
                minReadySeconds: Int = 0, livenessTimeout: Duration? = nil, retention: ClaimRetentionPolicy = .init(),
                pods: [ObservedPod] = [], claims: [ObservedClaim] = [], pendingCreations: Set<String> = [],
                pendingClaims: Set<String> = [], previousConditions: [ClusterCondition] = [], creationFailure: String? = nil) {
        self.name = name
        self.generation = generation
        self.replicas = replicas
        self.revision = revision
        self.claimTemplates = claimTemplates
        self.minReadySeconds = minReadySeconds
        self.livenessTimeout = livenessTimeout
        self.retention = retention
        self.pods = pods
        self.claims = claims
        self.pendingCreations = pendingCreations
        self.pendingClaims = pendingClaims
        self.previousConditions = previousConditions
        self.creationFailure = creationFailure
    }
}

/// One pod the cluster owns.
public struct ObservedPod: Sendable, Equatable {
    public enum Phase: Sendable, Equatable {
        /// Not terminal and not being deleted.
        case active
        /// Being deleted (graceful, or stuck on a failed node until podguard force-deletes it).
        case terminating
        /// Failed or Succeeded: its containers will not run again (an evicted pod is Failed).
        case terminal(reason: String)
    }

    /// Where the pod is bound, as the liveness rule needs it.
    public enum Placement: Sendable, Equatable {
        case unscheduled
        /// A Ready node without an unreachable, not-ready or podguard taint.
        case healthyNode(String)
        /// A node that is not Ready, unreachable or tainted by podguard: the pod is podguard's.
        case failedNode(String)
    }

    public var name: String
    public var uid: String
    public var revision: String?
    public var phase: Phase
    public var placement: Placement
    public var createdAt: Date
    /// When the Ready condition last became True, if it is True now.
    public var readySince: Date?
    /// Since when it has been not Ready: the Ready condition's last transition, or creation.
    public var notReadySince: Date?

    public init(name: String, uid: String, revision: String?, phase: Phase = .active, placement: Placement,
                createdAt: Date, readySince: Date? = nil, notReadySince: Date? = nil) {
        self.name = name
        self.uid = uid
        self.revision = revision
        self.phase = phase
        self.placement = placement
        self.createdAt = createdAt
        self.readySince = readySince
        self.notReadySince = notReadySince
    }

    public var isActive: Bool { phase == .active }
    public var isReady: Bool { readySince != nil }
}

/// One claim made for a pod of the cluster (`<template>-<pod>`).
public struct ObservedClaim: Sendable, Equatable {
    public var name: String
    public var podName: String
    public var terminating: Bool
    /// The retention decided when its pod was deleted on purpose (scale-down), written on the
    /// claim before the pod delete so a restart still knows it.
    public var markedRetention: ClaimRetention?
    /// Whether the claim carries an owner reference to the cluster (garbage-collected with it).
    public var ownedByCluster: Bool

    public init(name: String, podName: String, terminating: Bool = false, markedRetention: ClaimRetention? = nil,
                ownedByCluster: Bool = false) {
        self.name = name
        self.podName = podName
        self.terminating = terminating
        self.markedRetention = markedRetention
        self.ownedByCluster = ownedByCluster
    }
}
