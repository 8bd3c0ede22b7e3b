import Logging
import SwiftProtobuf

extension KeyValueStore {
    /// Follows the bucket until the calling task is cancelled: every value, then `.caughtUp`, then
    /// every change — and goes on across a nats-server restart or a dropped connection. A watch
    /// that ends or fails is started again after `restartAfter`; it delivers every value again and
    /// another `.caughtUp`, and the keys deleted while no watch ran are delivered as `.deleted`
    /// just before that `.caughtUp`, so a follower that keeps the latest value per key stays exact.
    /// Every service that mirrors a bucket follows it this way.
    public func follow<Value: SwiftProtobuf.Message & Sendable>(
        _ keys: String? = nil, as type: Value.Type, logger: Logger, restartAfter: Duration = .seconds(1),
        _ handle: (TypedKeyValueUpdate<Value>) async -> Void
    ) async {
        // The keys the follower holds, as delivered to it.
        var held: Set<String> = []
        while !Task.isCancelled {
            // The keys this watch delivered (and did not delete since).
            var delivered: Set<String> = []
            var caughtUp = false
            do {
                for try await update in try await watch(keys, as: Value.self) {
                    switch update {
                    case .put(let key, _, _, _):
                        delivered.insert(key)
                        held.insert(key)
                    case .deleted(let key):
                        delivered.remove(key)
                        held.remove(key)
                    case .caughtUp where !caughtUp:
                        caughtUp = true
                        for key in held.subtracting(delivered).sorted() {
                            held.remove(key)
                            await handle(.deleted(key: key))
                        }
                    case .caughtUp:
                        break
                    }
                    await handle(update)
                }
                if !Task.isCancelled { logger.warning("bucket watch ended; starting it again", metadata: ["bucket": "\(bucket)"]) }
            } catch {
                if !Task.isCancelled {
                    logger.warning("bucket watch failed; starting it again", metadata: ["bucket": "\(bucket)", "error": "\(error)"])
                }
            }
            try? await Task.sleep(for: restartAfter)
        }
    }
}
