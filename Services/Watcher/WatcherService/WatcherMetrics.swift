import Metrics

/// watcher's metrics (Prometheus names under `podguard_watcher_`).
public struct WatcherMetrics: Sendable {
    public init() {}

    /// Objects in a cache (`kind`: pods, nodes, claims, volumes, attachments, driverPods).
    public func mirrored(kind: String, count: Int) {
        Gauge(label: "podguard_watcher_objects", dimensions: [("kind", kind)]).record(count)
    }

    /// A bucket write (`kind`: node, pod; `operation`: put, delete).
    public func published(kind: String, operation: String) {
        Counter(label: "podguard_watcher_publishes_total", dimensions: [("kind", kind), ("operation", operation)]).increment()
    }

    public func publishFailed(kind: String) {
        Counter(label: "podguard_watcher_publish_failures_total", dimensions: [("kind", kind)]).increment()
    }

    /// A snapshot of an object whose deletion was already observed, not written.
    public func resurrectionRefused(kind: String) {
        Counter(label: "podguard_watcher_resurrections_refused_total", dimensions: [("kind", kind)]).increment()
    }

    public func reconciled(duration: Duration, writes: Int) {
        Timer(label: "podguard_watcher_reconcile_duration_seconds", preferredDisplayUnit: .seconds).record(duration: duration)
        Counter(label: "podguard_watcher_reconcile_writes_total").increment(by: writes)
        // A full reconcile is the buckets brought in line with the synced caches.
        Gauge(label: "podguard_watcher_synced").record(1)
    }

    public func leader(_ isLeader: Bool) {
        Gauge(label: "podguard_watcher_leader").record(isLeader ? 1 : 0)
        // A new leader is synced after its first reconcile; one that stood down publishes nothing.
        Gauge(label: "podguard_watcher_synced").record(0)
    }
}
