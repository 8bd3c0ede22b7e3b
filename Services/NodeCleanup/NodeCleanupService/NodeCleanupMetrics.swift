import Metrics
import NodeCleanupCore
import Policy

/// node-cleanup's metrics:
///
/// | metric | type | labels |
/// |---|---|---|
/// | `podguard_cleanup_attempts_total` | counter | `result` (`taint_removed`, `taint_kept`) |
/// | `podguard_cleanup_pods_total` | counter | `outcome` (`cleaned`, `failed`, `skipped_container_running`, ...) |
/// | `podguard_cleanup_failures_total` | counter | `step` (`node_unpublish`, `node_unstage`, `record`, `taint_removal`, `pod_lookup`) |
/// | `podguard_cleanup_zombie_containers_total` | counter | – (containers of moved pods seen executing) |
/// | `podguard_cleanup_container_check_unavailable_total` | counter | – |
/// | `podguard_cleanup_taint_removals_total` | counter | – |
/// | `podguard_cleanup_attempt_duration_seconds` | timer (histogram) | – |
/// | `podguard_cleanup_duration_seconds` | timer (histogram) | – (node Ready again → podguard taint removed, once per taint episode) |
/// | `podguard_cleanup_node_stable` | gauge (0/1) | – |
/// | `podguard_cleanup_taint_age_seconds` | gauge | `node` (seconds this node-cleanup has seen a podguard taint on its node; 0 without one; a restart counts again) |
enum NodeCleanupMetrics {
    static func taintAge(_ age: Duration, node: String) {
        Gauge(label: "podguard_cleanup_taint_age_seconds", dimensions: [("node", node)]).record(Double(age.components.seconds))
    }

    static func attempt(taintRemoved: Bool, duration: Duration) {
        Counter(label: "podguard_cleanup_attempts_total", dimensions: [("result", taintRemoved ? "taint_removed" : "taint_kept")]).increment()
        Timer(label: "podguard_cleanup_attempt_duration_seconds", preferredDisplayUnit: .seconds).record(duration: duration)
    }

    /// The podguard taint came off a node `duration` after it became Ready again: the node is
    /// back in service (see `CleanupPlan.cleanupDuration`).
    static func cleanupCompleted(_ duration: Duration) {
        Timer(label: "podguard_cleanup_duration_seconds", preferredDisplayUnit: .seconds).record(duration: duration)
    }

    static func pod(_ outcome: String) {
        Counter(label: "podguard_cleanup_pods_total", dimensions: [("outcome", outcome)]).increment()
    }

    static func failure(_ step: String) {
        Counter(label: "podguard_cleanup_failures_total", dimensions: [("step", step)]).increment()
    }

    static func zombies(_ count: Int) {
        guard count > 0 else { return }
        Counter(label: "podguard_cleanup_zombie_containers_total").increment(by: count)
    }

    static func containerCheckUnavailable() {
        Counter(label: "podguard_cleanup_container_check_unavailable_total").increment()
    }

    static func taintRemoved(count: Int) {
        guard count > 0 else { return }
        Counter(label: "podguard_cleanup_taint_removals_total").increment(by: count)
    }

    static func stable(_ stable: Bool) {
        Gauge(label: "podguard_cleanup_node_stable").record(stable ? 1 : 0)
    }
}
