import Bus
import Foundation
import OperatorViews
import SwiftProtobuf

extension KeyValueStore {
    /// Every current value of the bucket, once: a watch read until it has caught up, then
    /// stopped. Values that do not decode are skipped (the watch counts and logs them).
    func currentValues<Value: SwiftProtobuf.Message & Sendable>(
        as type: Value.Type, keys: String? = nil, timeout: Duration = .seconds(10)
    ) async throws -> [String: Stored<Value>] {
        try await withThrowingTaskGroup(of: [String: Stored<Value>].self) { group in
            group.addTask {
                var values: [String: Stored<Value>] = [:]
                for try await update in try await self.watch(keys, as: Value.self) {
                    switch update {
                    case .put(let key, let value, _, let storedAt): values[key] = Stored(value, storedAt: storedAt)
                    case .deleted(let key): values.removeValue(forKey: key)
                    case .caughtUp: return values
                    }
                }
                return values
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw BusError.timeout(subject: "$KV.\(self.bucket).\(keys ?? ">")", after: timeout)
            }
            defer { group.cancelAll() }
            return try await group.next() ?? [:]
        }
    }
}
