import Foundation

/// When a failed request may be sent again (pure: decides from what happened, sleeps nowhere).
///
/// - 429 Too Many Requests: always retried (the apiserver rejected it before doing anything),
///   after `Retry-After` when given, else the backoff.
/// - 5xx and connection errors after the request was sent: retried only for idempotent requests
///   (GET, LIST, PUT with resourceVersion, DELETE with preconditions...), since a POST might have
///   been applied before the failure.
/// - A connection that could not be established: always retried (the request never left).
public struct RetryPolicy: Sendable, Hashable {
    public var maxAttempts: Int = 5
    public var backoff = Backoff()
    /// Upper bound on an honoured `Retry-After`, so a hostile value cannot park a caller for hours.
    public var maxRetryAfter: Duration = .seconds(30)

    public init(maxAttempts: Int = 5, backoff: Backoff = Backoff()) {
        self.maxAttempts = maxAttempts
        self.backoff = backoff
    }

    /// What happened to one attempt.
    public enum Outcome: Sendable, Hashable {
        case status(Int, retryAfter: Duration?)
        /// The connection failed before the request was written.
        case notSent
        /// The connection failed after the request may have reached the server.
        case connectionLost
    }

    public enum Decision: Sendable, Hashable {
        case retry(after: Duration)
        case fail
    }

    /// `attempt` is the 0-based number of the attempt that just failed.
    public func decide(outcome: Outcome, attempt: Int, idempotent: Bool, unit: Double = Double.random(in: 0...1)) -> Decision {
        guard attempt + 1 < maxAttempts else { return .fail }
        let backoffDelay = backoff.delay(attempt: attempt, unit: unit)
        switch outcome {
        case .status(429, let retryAfter):
            return .retry(after: retryAfter.map { min($0, maxRetryAfter) } ?? backoffDelay)
        case .status(let code, let retryAfter) where code >= 500 && code != 501:
            guard idempotent else { return .fail }
            return .retry(after: retryAfter.map { min($0, maxRetryAfter) } ?? backoffDelay)
        case .status:
            return .fail
        case .notSent:
            return .retry(after: backoffDelay)
        case .connectionLost:
            return idempotent ? .retry(after: backoffDelay) : .fail
        }
    }

    /// Parses `Retry-After` (seconds; the apiserver never sends the HTTP-date form).
    public static func parseRetryAfter(_ value: String?) -> Duration? {
        guard let value, let seconds = Int(value.trimmingCharacters(in: .whitespaces)), seconds >= 0 else { return nil }
        return .seconds(seconds)
    }
}
