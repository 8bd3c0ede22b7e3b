/// Exponential backoff with full jitter, capped (pure: the random source is passed in).
///
/// Delay of attempt *n* (0-based) is `random(0.5...1) × min(cap, initial × factor^n)`: never zero,
/// so a thundering herd of reconnecting watches spreads out, and never above the cap.
public struct Backoff: Sendable, Hashable {
    public var initial: Duration
    public var maximum: Duration
    public var factor: Double

    public init(initial: Duration = .milliseconds(200), maximum: Duration = .seconds(10), factor: Double = 2) {
        self.initial = initial
        self.maximum = maximum
        self.factor = factor
    }

    /// The un-jittered delay of `attempt`.
    public func ceiling(attempt: Int) -> Duration {
        var delay = initial
        for _ in 0..<max(0, attempt) {
            delay = delay * factor
            if delay >= maximum { return maximum }
        }
        return min(delay, maximum)
    }

    /// The delay of `attempt`, jittered by `unit` in 0...1 (pass a random number).
    public func delay(attempt: Int, unit: Double) -> Duration {
        ceiling(attempt: attempt) * (0.5 + 0.5 * min(1, max(0, unit)))
    }

    public func delay(attempt: Int) -> Duration {
        delay(attempt: attempt, unit: Double.random(in: 0...1))
    }
}
