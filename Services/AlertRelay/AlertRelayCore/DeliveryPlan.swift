public import Contracts

/// Which receivers an Alert still goes to, given its delivery record: those whose filter takes it
/// and that have not taken it yet. Pure.
public struct DeliveryPlan: Equatable, Sendable {
    /// Receivers to send to now, in configuration order.
    public var pending: [String]
    /// Receivers whose filter leaves the Alert out (recorded, never sent).
    public var skipped: [String]

    public init(alert: Podguard_V1_Alert, receivers: [(name: String, filter: AlertFilter)], record: Podguard_V1_AlertDelivery?) {
        let done = Set(record?.deliveredTo ?? []).union(record?.skippedBy ?? [])
        pending = receivers.filter { !done.contains($0.name) && $0.filter.accepts(alert) }.map(\.name)
        skipped = receivers.filter { !done.contains($0.name) && !$0.filter.accepts(alert) }.map(\.name)
    }

    /// Nothing left to send: the Alert may be acknowledged.
    public var isComplete: Bool { pending.isEmpty }
}

/// The wait before a redelivery after `deliveries` attempts failed: doubling from `initial`,
/// capped at `maximum`. No jitter: the redeliveries of one Alert are spread by the stream already.
public struct RetryBackoff: Equatable, Sendable {
    public var initial: Duration
    public var maximum: Duration

    public init(initial: Duration = .seconds(1), maximum: Duration = .seconds(300)) {
        self.initial = initial
        self.maximum = max(initial, maximum)
    }

    public func delay(afterDeliveries deliveries: UInt64) -> Duration {
        let doublings = min(max(Int(clamping: deliveries) - 1, 0), 30)
        let delay = initial * (1 << doublings)
        return min(delay, maximum)
    }
}
