public import Bus
public import Foundation
public import Logging
public import SwiftProtobuf
import Synchronization

/// One bucket's values as this process needs them, kept current by a watch that survives bus
/// outages (`KeyValueStore.follow`): the latest value of every retained key, a snapshot any task may
/// take, and whether the values that existed when the watch started are all in.
///
/// `retain` keeps a process's share only (node-cleanup keeps the records of its own node): a value
/// it refuses is dropped as if deleted. A revision never goes back: a writer may `record` its own
/// compare-and-set result before the watch delivers it.
public final class KeyValueMirror<Value: SwiftProtobuf.Message & Sendable>: Sendable {
    public struct Entry: Sendable {
        public var key: String
        public var value: Value
        public var revision: UInt64
        /// When the server stored it.
        public var storedAt: Date

        public init(key: String, value: Value, revision: UInt64, storedAt: Date) {
            self.key = key
            self.value = value
            self.revision = revision
            self.storedAt = storedAt
        }
    }

    private struct Contents {
        var entries: [String: Entry] = [:]
        var caughtUp = false
    }

    public let store: KeyValueStore
    private let retain: @Sendable (String, Value) -> Bool
    private let contents = Mutex(Contents())

    public init(_ store: KeyValueStore, as type: Value.Type = Value.self,
                retain: @escaping @Sendable (String, Value) -> Bool = { _, _ in true }) {
        self.store = store
        self.retain = retain
    }

    /// Whether the values that existed when the watch started are all in.
    public var isCaughtUp: Bool { contents.withLock { $0.caughtUp } }

    /// Every retained entry, by key.
    public func snapshot() -> [String: Entry] { contents.withLock { $0.entries } }

    public subscript(key: String) -> Entry? { contents.withLock { $0.entries[key] } }

    /// Follows the bucket until cancelled. `caughtUp` runs once the current values are in (again
    /// after every restart of the watch).
    public func follow(logger: Logger, caughtUp: @escaping @Sendable () -> Void = {}) async {
        await store.follow(as: Value.self, logger: logger) { update in
            switch update {
            case .caughtUp:
                contents.withLock { $0.caughtUp = true }
                caughtUp()
            case .put(let key, let value, let revision, let storedAt):
                record(Entry(key: key, value: value, revision: revision, storedAt: storedAt))
            case .deleted(let key):
                _ = contents.withLock { $0.entries.removeValue(forKey: key) }
            }
        }
    }

    /// Takes in a value read or written by this process: kept if retained and not older than the
    /// one held.
    public func record(_ entry: Entry) {
        let keep = retain(entry.key, entry.value)
        contents.withLock { contents in
            if let known = contents.entries[entry.key], known.revision > entry.revision { return }
            contents.entries[entry.key] = keep ? entry : nil
        }
    }
}
