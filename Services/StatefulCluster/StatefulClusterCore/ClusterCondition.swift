public import Foundation

/// One entry of `status.conditions`.
public struct ClusterCondition: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// At least `replicas` pods are available.
        case available = "Available"
        /// Pods are being created, replaced or rolled out.
        case progressing = "Progressing"
        /// The last pod or claim creation failed (quota, admission, an invalid template).
        case replicaFailure = "ReplicaFailure"
        /// Pods on failed nodes, left to podguard's fencing rather than replaced beside a writer.
        case awaitingFencing = "AwaitingFencing"
    }

    public var type: Kind
    public var status: Bool
    public var reason: String
    public var message: String
    public var lastTransitionTime: Date

    public init(type: Kind, status: Bool, reason: String, message: String, lastTransitionTime: Date) {
        self.type = type
        self.status = status
        self.reason = reason
        self.message = message
        self.lastTransitionTime = lastTransitionTime
    }
}
