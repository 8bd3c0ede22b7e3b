/// How a `CSIClient` connects and calls.
public struct CSIClientConfiguration: Sendable, Hashable {
    /// Deadline of a call when the caller gives none.
    public var defaultDeadline: Duration
    /// The rule for "pending" errors (ControllerUnpublishVolume and NodeUnpublishVolume).
    public var pendingRetry: PendingRetryPolicy
    /// First and longest pause between reconnection attempts when the socket is gone (a driver
    /// restart replaces the socket; podmon dials with a 1 s maximum backoff).
    public var reconnectInitialBackoff: Duration
    public var reconnectMaximumBackoff: Duration
    /// Whether a call made while the driver is unreachable waits (up to its deadline) for the
    /// socket to come back, or fails at once with `.unavailable`. Failing fast is the default: the
    /// callers (adapters) report "unavailable" and decide themselves.
    public var waitForReady: Bool

    public init(defaultDeadline: Duration = .seconds(10), pendingRetry: PendingRetryPolicy = .podmon,
                reconnectInitialBackoff: Duration = .milliseconds(100),
                reconnectMaximumBackoff: Duration = .seconds(1), waitForReady: Bool = false) {
        self.defaultDeadline = defaultDeadline
        self.pendingRetry = pendingRetry
        self.reconnectInitialBackoff = reconnectInitialBackoff
        self.reconnectMaximumBackoff = reconnectMaximumBackoff
        self.waitForReady = waitForReady
    }
}
