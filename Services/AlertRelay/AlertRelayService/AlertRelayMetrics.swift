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
    /// Alerts this replica retries, by id: when their stream stored them and when this replica
    /// last tried them.
    private let retrying = Mutex<[String: (storedAt: Date, lastTried: Date)]>([:])
    /// An Alert not tried here for this long went to another replica (which delivered it, or
    /// counts it now): it leaves this replica's gauge, which would otherwise grow for ever.
    private let staleAfter: TimeInterval

    init(staleAfter: Duration) {
        self.staleAfter = TimeInterval(staleAfter.components.seconds)
    }

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
        update(now: now) { $0[alertID] = isPending ? ($0[alertID]?.storedAt ?? storedAt, now) : nil }
    }

    /// The gauge at `now`, without a new Alert (it ages, and stale Alerts leave it).
    func refresh(now: Date) {
        update(now: now) { _ in }
    }

    private func update(now: Date, _ change: (inout [String: (storedAt: Date, lastTried: Date)]) -> Void) {
        let oldest = retrying.withLock { retrying -> Date? in
            change(&retrying)
            retrying = retrying.filter { now.timeIntervalSince($0.value.lastTried) <= staleAfter }
            return retrying.values.map(\.storedAt).min()
        }
        Gauge(label: "podguard_alert_relay_oldest_undelivered_seconds").record(oldest.map { max(0, now.timeIntervalSince($0)) } ?? 0)
    }
}
