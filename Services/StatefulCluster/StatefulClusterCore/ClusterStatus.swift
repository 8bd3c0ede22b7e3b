/// `status` of a StatefulCluster as the reconcile computes it.
public struct ClusterStatus: Sendable, Equatable {
    public var observedGeneration: Int64
    /// Pods that are neither terminal nor being deleted.
    public var replicas: Int
    public var readyReplicas: Int
    public var availableReplicas: Int
    /// Of `replicas`, those of the current template.
    public var updatedReplicas: Int
    /// Names of those pods, sorted.
    public var currentPods: [String]
    /// The revision most pods run while a rollout is under way; equal to `updateRevision` after.
    public var currentRevision: String
    public var updateRevision: String
    public var conditions: [ClusterCondition]

    public init(observedGeneration: Int64, replicas: Int, readyReplicas: Int, availableReplicas: Int, updatedReplicas: Int,
                currentPods: [String], currentRevision: String, updateRevision: String, conditions: [ClusterCondition]) {
        self.observedGeneration = observedGeneration
        self.replicas = replicas
        self.readyReplicas = readyReplicas
        self.availableReplicas = availableReplicas
        self.updatedReplicas = updatedReplicas
        self.currentPods = currentPods
        self.currentRevision = currentRevision
        self.updateRevision = updateRevision
        self.conditions = conditions
    }
}
