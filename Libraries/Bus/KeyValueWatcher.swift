import CNATS
import Logging
import NIOPosix

/// What a KeyValue watch yields.
public enum KeyValueUpdate: Sendable, Equatable {
    /// A value, a deletion or a purge of a key.
    case entry(KeyValueEntry)
    /// Every value that existed when the watch started has been delivered; from here on updates
    /// are live. Consumers that mirror a bucket treat their mirror as complete from this point.
    case caughtUp
}

/// Owns one `kvWatcher`. Stopping wakes a thread blocked in `kvWatcher_Next`.
final class KeyValueWatcherHandle: Sendable {
    let pointer: ThreadSafeNATSPointer
    let store: KeyValueHandle

    init(_ raw: OpaquePointer, store: KeyValueHandle) {
        self.pointer = ThreadSafeNATSPointer(raw: raw)
        self.store = store
    }

    func stop() {
        _ = kvWatcher_Stop(pointer.raw)
    }

    deinit {
        kvWatcher_Destroy(pointer.raw)
    }
}

extension KeyValueStore {
    /// Watches `keys` (a key or a pattern with `*` / `>`; nil = all keys): first the current value
    /// of every matching key, then `.caughtUp`, then every change as it happens. The watch stops
    /// when the consumer stops iterating or the connection closes.
    public func watch(_ keys: String? = nil, includeHistory: Bool = false, ignoreDeletes: Bool = false) async throws
        -> AsyncThrowingStream<KeyValueUpdate, any Error> {
        let kv = handle.pointer
        let store = handle
        let bucket = bucket
        let watcher = try await connection.blocking.runIfActive { () throws -> KeyValueWatcherHandle in
            var options = kvWatchOptions()
            kvWatchOptions_Init(&options)
            options.IncludeHistory = includeHistory
            options.IgnoreDeletes = ignoreDeletes
            var created: OpaquePointer? = nil
            let status: natsStatus
            if let keys {
                status = kvStore_Watch(&created, kv.raw, keys, &options)
            } else {
                status = kvStore_WatchAll(&created, kv.raw, &options)
            }
            try BusError.check(status, "watch \(bucket)/\(keys ?? ">")")
            guard let created else { throw BusError.invalidArgument("nats.c returned no watcher") }
            return KeyValueWatcherHandle(created, store: store)
        }
        // One thread per watch: kvWatcher_Next blocks until an update or the stop.
        let thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
        let (stream, continuation) = AsyncThrowingStream<KeyValueUpdate, any Error>.makeStream()
        continuation.onTermination = { _ in watcher.stop() }
        thread.submit { _ in
            defer { thread.shutdownGracefully { _ in } }
            while true {
                var entry: OpaquePointer? = nil
                let status = kvWatcher_Next(&entry, watcher.pointer.raw, 1_000)
                if status == NATS_TIMEOUT { continue }
                if status == NATS_ILLEGAL_STATE || status == NATS_CONNECTION_CLOSED || status == NATS_INVALID_SUBSCRIPTION {
                    continuation.finish()
                    return
                }
                guard status == NATS_OK else {
                    continuation.finish(throwing: BusError.from(status, "watch \(bucket)"))
                    return
                }
                guard let entry else {
                    continuation.yield(.caughtUp)
                    continue
                }
                let copy = KeyValueStore.copy(entry)
                kvEntry_Destroy(entry)
                if case .terminated = continuation.yield(.entry(copy)) { return }
            }
        }
        return stream
    }
}
