/// Joins concurrent calls for the same key into one: while a call for a key is running, another
/// caller with that key waits for its result instead of making the call again.
///
/// A storm brings a hundred requests for one node at once; each reads the node and adds the same
/// taint. Without joining they make a hundred reads, and the taint writes race on the node's
/// resourceVersion, each conflict costing another read and write. A joined caller gets a result
/// no older than its own call would have been: the call it joins was running when it asked.
actor InFlightCalls<Value: Sendable> {
    private var running: [String: Task<Value, any Error>] = [:]

    func value(for key: String, _ call: @escaping @Sendable () async throws -> Value) async throws -> Value {
        if let task = running[key] { return try await task.value }
        let task = Task { try await call() }
        running[key] = task
        defer { running[key] = nil }
        return try await task.value
    }
}
