/// What happens to a pod's claims when the pod is gone: kept for an operator, or deleted.
public enum ClaimRetention: String, Sendable, Equatable, CaseIterable {
    case retain = "Retain"
    case delete = "Delete"
}

/// `spec.persistentVolumeClaimRetentionPolicy`: StatefulSet's `whenDeleted` and `whenScaled`, and
/// `whenReplaced` for a pod that is gone for any other reason (deleted, failed, evicted, not live,
/// rolled out), since a StatefulCluster never gives a replacement the old claims.
public struct ClaimRetentionPolicy: Sendable, Equatable {
    public var whenDeleted: ClaimRetention
    public var whenScaled: ClaimRetention
    public var whenReplaced: ClaimRetention

    public init(whenDeleted: ClaimRetention = .retain, whenScaled: ClaimRetention = .retain, whenReplaced: ClaimRetention = .retain) {
        self.whenDeleted = whenDeleted
        self.whenScaled = whenScaled
        self.whenReplaced = whenReplaced
    }
}
