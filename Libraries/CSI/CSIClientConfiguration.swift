public import UnixGRPC

/// How a `CSIClient` connects and calls: the shared unix-socket options and CSI's rule for
/// "pending" errors.
public struct CSIClientConfiguration: Sendable, Hashable {
    public var connection: UnixGRPCConnectionOptions
    /// The rule for "pending" errors (ControllerUnpublishVolume and NodeUnpublishVolume).
    public var pendingRetry: PendingRetryPolicy

    public init(defaultDeadline: Duration = .seconds(10), pendingRetry: PendingRetryPolicy = .podmon,
                waitForReady: Bool = false) {
        self.connection = UnixGRPCConnectionOptions(defaultDeadline: defaultDeadline, waitForReady: waitForReady)
        self.pendingRetry = pendingRetry
    }
}
