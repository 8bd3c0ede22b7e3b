import Metrics

/// The controller's metrics (Prometheus names under `podguard_statefulcluster_`).
struct StatefulClusterMetrics: Sendable {
    let reconciles = Counter(label: "podguard_statefulcluster_reconciles_total")
    let podsCreated = Counter(label: "podguard_statefulcluster_pods_created_total")
    let podsDeleted = Counter(label: "podguard_statefulcluster_pods_deleted_total")
    let claimsCreated = Counter(label: "podguard_statefulcluster_claims_created_total")
    let claimsDeleted = Counter(label: "podguard_statefulcluster_claims_deleted_total")
    /// A write that failed (left to the next reconcile).
    let failures = Counter(label: "podguard_statefulcluster_write_failures_total")

    func count(_ counter: KeyPath<StatefulClusterMetrics, Counter>) {
        self[keyPath: counter].increment()
    }

    func leader(_ isLeader: Bool) {
        Gauge(label: "podguard_statefulcluster_leader").record(isLeader ? 1 : 0)
    }
}
