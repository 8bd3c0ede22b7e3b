/// A client whose connection lives in `run()` until `shutdown()`.
public protocol ConnectionRunning: Sendable {
    func run() async throws
    func shutdown()
}

extension ConnectionRunning {
    /// Runs the connection for the duration of `body`, then shuts it down.
    public func whileConnected<Result: Sendable>(_ body: (Self) async throws -> Result) async throws -> Result {
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await self.run() }
            defer { self.shutdown() }
            return try await body(self)
        }
    }
}
