import Foundation
import SwiftProtobuf

/// How long an ArrayConnectivity verdict stands. The array-prober republishes it after every poll
/// while the node has protected pods of the family, and stops once they have moved away, so its
/// last verdict stays in the bucket. A verdict not refreshed within three poll intervals (at least
/// 10 s) says nothing any more: a stale LOST must neither fence nor taint nor hold a taint.
///
/// The age counts from when the NATS server stored the verdict (the KV entry's time), not from the
/// prober's `produced_at`: a prober whose clock runs ahead would otherwise make an old LOST look
/// new to every reader. What remains is the reader's own offset from the server's clock.
public enum ConnectivityFreshness {
    /// The poll interval assumed when a verdict does not carry one.
    public static let defaultPollInterval: TimeInterval = 15

    /// - Parameter storedAt: the KV entry's time (`KeyValueEntry.storedAt`).
    public static func isCurrent(_ verdict: Podguard_V1_ArrayConnectivity, storedAt: Date, at now: Date) -> Bool {
        let pollInterval = verdict.hasPollInterval ? verdict.pollInterval.timeInterval : defaultPollInterval
        return now.timeIntervalSince(storedAt) < max(3 * pollInterval, 10)
    }
}
