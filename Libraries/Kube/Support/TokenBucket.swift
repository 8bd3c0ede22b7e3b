/// A token bucket (pure: time is passed in), the client-side rate limit of client-go's
/// `flowcontrol.NewTokenBucketRateLimiter(qps, burst)`.
///
/// The bucket starts full (`burst` requests go at once), refills at `rate` tokens per second, and
/// a request that finds it empty is told how long to wait; its token is reserved at once, so
/// concurrent callers queue in order instead of all waking at the same moment.
public struct TokenBucket: Sendable, Hashable {
    public let rate: Double
    public let burst: Int
    /// Tokens available at `updated`; negative when requests are waiting for future tokens.
    private var tokens: Double
    private var updated: Duration

    /// `now` is any monotonic time base (e.g. `ContinuousClock.now - start`).
    public init(rate: Double, burst: Int, now: Duration = .zero) {
        precondition(rate > 0 && burst > 0, "rate and burst must be positive")
        self.rate = rate
        self.burst = burst
        self.tokens = Double(burst)
        self.updated = now
    }

    /// Takes one token and returns how long the caller must wait before using it (`.zero`: now).
    public mutating func reserve(now: Duration) -> Duration {
        refill(now: now)
        tokens -= 1
        if tokens >= 0 { return .zero }
        return .seconds(-tokens / rate)
    }

    /// Tokens available right now (for tests and metrics).
    public mutating func available(now: Duration) -> Double {
        refill(now: now)
        return tokens
    }

    private mutating func refill(now: Duration) {
        guard now > updated else { return }
        let elapsed = Double((now - updated).components.seconds) + Double((now - updated).components.attoseconds) / 1e18
        tokens = min(Double(burst), tokens + elapsed * rate)
        updated = now
    }
}
