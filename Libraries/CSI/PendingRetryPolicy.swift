import GRPCCore

/// podmon's rule for "pending" errors of ControllerUnpublishVolume and NodeUnpublishVolume: up to
/// `CSIMaxRetries` = 3 attempts in all, `PendingRetryTime` = 30 s apart, and only while the error
/// text ends with "pending"; any other error is returned at once.
public struct PendingRetryPolicy: Sendable, Hashable {
    /// Attempts in all (the first call included).
    public var maxAttempts: Int
    /// The pause between attempts.
    public var delay: Duration

    public init(maxAttempts: Int, delay: Duration) {
        self.maxAttempts = max(1, maxAttempts)
        self.delay = delay
    }

    /// podmon's values: 3 attempts, 30 s apart.
    public static let podmon = PendingRetryPolicy(maxAttempts: 3, delay: .seconds(30))

    /// Runs `body` under the rule.
    public func run<T: Sendable>(_ body: () async throws(CSIError) -> T) async throws(CSIError) -> T {
        var attempt = 1
        while true {
            do {
                return try await body()
            } catch where error.kind == .pending && attempt < maxAttempts {
                attempt += 1
                do {
                    try await Task.sleep(for: delay)
                } catch {
                    throw CSIError(kind: .transient, code: .cancelled, method: "pending retry",
                                   message: "cancelled while waiting to retry a pending call")
                }
            }
        }
    }
}
