import Foundation
import Metrics
import Synchronization

/// alert-relay's metrics:
///
/// | metric | type | labels |
/// |---|---|---|
/// | `podguard_alert_relay_deliveries_total` | counter | `receiver`, `result` (`delivered`, `failed`, `skipped`) |
/// | `podguard_alert_relay_delivery_duration_seconds` | timer (histogram) | `receiver` |
/// | `podguard_alert_relay_undecodable_total` | counter | – (messages on the alert subjects that are no Alert; dropped) |
/// | `podguard_alert_relay_oldest_undelivered_seconds` | gauge | – (age of the oldest Alert this replica still retries; 0 when none) |
/// | `podguard_alert_relay_firing` | gauge | – (open conditions and events firing in Alertmanager at the last re-post) |
final class AlertRelayMetrics: Sendable {
    /// Alerts being retried, by id, with the time their stream stored them.
    private let retrying = Mutex<[String: Date]>([:])

    func delivered(_ receiver: String, duration: Duration) {
        Counter(label: "podguard_alert_relay_deliveries_total", dimensions: [("receiver", receiver), ("result", "delivered")]).increment()
        Timer(label: "podguard_alert_relay_delivery_duration_seconds", dimensions: [("receiver", receiver)], preferredDisplayUnit: .seconds)
            .record(duration: duration)
    }

    func failed(_ receiver: String) {
        Counter(label: "podguard_alert_relay_deliveries_total", dimensions: [("receiver", receiver), ("result", "failed")]).increment()
    }

    func skipped(_ receiver: String) {
        Counter(label: "podguard_alert_relay_deliveries_total", dimensions: [("receiver", receiver), ("result", "skipped")]).increment()
    }

    func undecodable() {
        Counter(label: "podguard_alert_relay_undecodable_total").increment()
    }

    func firing(_ count: Int) {
        Gauge(label: "podguard_alert_relay_firing").record(count)
    }

    /// An Alert stored at `storedAt` still lacks a receiver (true) or has them all (false).
    func pending(_ alertID: String, storedAt: Date, _ isPending: Bool, now: Date) {
        let oldest = retrying.withLock { retrying -> Date? in
            retrying[alertID] = isPending ? (retrying[alertID] ?? storedAt) : nil
            return retrying.values.min()
        }
        Gauge(label: "podguard_alert_relay_oldest_undelivered_seconds").record(oldest.map { max(0, now.timeIntervalSince($0)) } ?? 0)
    }
}
