/// How long a transient failure waits before the request is redelivered: doubling from `initial`
/// up to `maximum`, never shorter than the dependency's own hint (an adapter's `retry_after`). Pure.
public struct RetryBackoff: Sendable, Hashable {
    public var initial: Duration
    public var maximum: Duration

    public init(initial: Duration = .seconds(1), maximum: Duration = .seconds(30)) {
        self.initial = initial
        self.maximum = max(initial, maximum)
    }

    /// The delay before retry number `retry` (1 for the first).
    public func delay(retry: Int, hint: Duration? = nil) -> Duration {
        var delay = initial
        var doubled = 1
        while doubled < retry && delay < maximum {
            delay = delay * 2
            doubled += 1
        }
        return max(min(delay, maximum), hint ?? .zero)
    }
}
