/// How a `CRIClient` connects and calls.
public struct CRIClientConfiguration: Sendable, Hashable {
    /// Deadline of a call when the caller gives none (podmon: `ShortTimeout`, 10 s).
    public var defaultDeadline: Duration
    /// First and longest pause between reconnection attempts while the socket is gone (a runtime
    /// restart replaces the socket file).
    public var reconnectInitialBackoff: Duration
    public var reconnectMaximumBackoff: Duration
    /// Whether a call made while the runtime is unreachable waits (up to its deadline) for the
    /// socket to come back, or fails at once with `.unavailable`. Failing fast is the default: the
    /// adapter answers TRANSIENT and node-cleanup decides when to ask again.
    public var waitForReady: Bool

    public init(defaultDeadline: Duration = .seconds(10), reconnectInitialBackoff: Duration = .milliseconds(100),
                reconnectMaximumBackoff: Duration = .seconds(1), waitForReady: Bool = false) {
        self.defaultDeadline = defaultDeadline
        self.reconnectInitialBackoff = reconnectInitialBackoff
        self.reconnectMaximumBackoff = reconnectMaximumBackoff
        self.waitForReady = waitForReady
    }
}
