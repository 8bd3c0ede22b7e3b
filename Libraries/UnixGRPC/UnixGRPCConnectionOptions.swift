/// How a unix-socket gRPC client connects and calls: what the CSI and CRI clients share.
public struct UnixGRPCConnectionOptions: Sendable, Hashable {
    /// Deadline of a call when the caller gives none (podmon's `ShortTimeout` is 10 s).
    public var defaultDeadline: Duration
    /// First and longest pause between reconnection attempts while the socket is gone (a server
    /// restart replaces the socket file; podmon dials with a 1 s maximum backoff).
    public var reconnectInitialBackoff: Duration
    public var reconnectMaximumBackoff: Duration
    /// Whether a call made while the server is unreachable waits (up to its deadline) for the socket
    /// to come back, or fails at once as unavailable. Failing fast is the default: the callers
    /// (adapters) answer "unavailable" or TRANSIENT and decide themselves when to ask again.
    public var waitForReady: Bool

    public init(defaultDeadline: Duration = .seconds(10), reconnectInitialBackoff: Duration = .milliseconds(100),
                reconnectMaximumBackoff: Duration = .seconds(1), waitForReady: Bool = false) {
        self.defaultDeadline = defaultDeadline
        self.reconnectInitialBackoff = reconnectInitialBackoff
        self.reconnectMaximumBackoff = reconnectMaximumBackoff
        self.waitForReady = waitForReady
    }
}
