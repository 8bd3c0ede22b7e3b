import Synchronization

/// The shared token bucket of one client, waited on before every request.
public final class RateLimiter: Sendable {
    private let bucket: Mutex<TokenBucket>
    private let start = ContinuousClock.now

    public init(queriesPerSecond: Double, burst: Int) {
        bucket = Mutex(TokenBucket(rate: queriesPerSecond, burst: burst))
    }

    /// Waits for a token; throws `CancellationError` when the task is cancelled while waiting.
    public func acquire() async throws {
        let now = ContinuousClock.now - start
        let wait = bucket.withLock { $0.reserve(now: now) }
        if wait > .zero {
            try await Task.sleep(for: wait)
        }
    }
}
