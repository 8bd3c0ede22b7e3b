/// When to try the server again after losing it: by default forever, with exponential backoff and
/// jitter, so a fleet of podguard services does not reconnect in lock-step after a server restart.
public struct ReconnectPolicy: Sendable, Equatable {
    /// `nil` retries forever.
    public var maxAttempts: Int?
    public var initialDelay: Duration
    public var maxDelay: Duration
    public var multiplier: Double
    /// The fraction of each delay that is randomised (0.2 = ±20 %).
    public var jitter: Double
    /// Bytes of publishes nats.c keeps while reconnecting; beyond it publish fails, it never blocks.
    public var bufferBytes: Int

    public init(
        maxAttempts: Int? = nil,
        initialDelay: Duration = .milliseconds(50),
        maxDelay: Duration = .seconds(2),
        multiplier: Double = 2,
        jitter: Double = 0.2,
        bufferBytes: Int = 8 * 1024 * 1024
    ) {
        self.maxAttempts = maxAttempts
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.multiplier = multiplier
        self.jitter = jitter
        self.bufferBytes = bufferBytes
    }

    /// The delay before attempt `attempt` (1-based), with `unitRandom` in 0..<1 supplying jitter.
    /// Pure, so the schedule is testable.
    public func delay(beforeAttempt attempt: Int, unitRandom: Double) -> Duration {
        let exponent = Double(max(0, attempt - 1))
        let base = min(initialDelay.seconds * pow(multiplier, exponent), maxDelay.seconds)
        let spread = base * jitter * (unitRandom * 2 - 1)
        return .milliseconds(Int64(max(0, base + spread) * 1000))
    }
}

extension Duration {
    /// The duration in (fractional) seconds.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }

    /// Whole milliseconds, as nats.c takes timeouts.
    var milliseconds: Int64 {
        let parts = components
        return parts.seconds * 1000 + parts.attoseconds / 1_000_000_000_000_000
    }

    /// Whole nanoseconds, as JetStream's API takes durations.
    var nanoseconds: Int64 {
        let parts = components
        return parts.seconds * 1_000_000_000 + parts.attoseconds / 1_000_000_000
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
