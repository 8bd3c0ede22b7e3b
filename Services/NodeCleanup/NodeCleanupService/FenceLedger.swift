import Bus
import BusService
import Contracts
import Foundation
import Logging
import NodeCleanupCore
import Policy
import Synchronization

/// This node's view of bucket `podguard-fences`: the records whose pods concern the node (moved
/// away and not cleaned, or still being fenced), kept current by a KV watch, and the
/// compare-and-set write of a record's `node_cleanup`.
final class FenceLedger: Sendable {
    struct Entry: Sendable {
        var key: String
        var revision: UInt64
        var record: Podguard_V1_FenceRecord
        var role: CleanupPolicy.RecordRole
    }

    private struct Contents {
        var entries: [String: Entry] = [:]
        var caughtUp = false
    }

    let store: FenceRecordStore
    let node: String
    private let contents = Mutex(Contents())

    init(store: FenceRecordStore, node: String) {
        self.store = store
        self.node = node
    }

    var isCaughtUp: Bool { contents.withLock { $0.caughtUp } }

    /// The records that concern the node now (moved away and not cleaned, or fence in progress),
    /// ordered by pod for stable reports.
    func pending() -> [Entry] {
        contents.withLock { Array($0.entries.values) }
            .sorted { ($0.record.pod.namespace, $0.record.pod.name, $0.key) < ($1.record.pod.namespace, $1.record.pod.name, $1.key) }
    }

    /// Follows the bucket until cancelled, across bus outages (`KeyValueStore.follow`). A value that
    /// does not decode is counted and logged by the bus library and reads as absent.
    func follow(logger: Logger, onCaughtUp: @escaping @Sendable () -> Void) async {
        await store.keyValue.follow(as: Podguard_V1_FenceRecord.self, logger: logger) { update in
            switch update {
            case .caughtUp:
                contents.withLock { $0.caughtUp = true }
                onCaughtUp()
            case .put(let key, let record, let revision, _):
                apply(key: key, record: record, revision: revision)
            case .deleted(let key):
                _ = contents.withLock { $0.entries.removeValue(forKey: key) }
            }
        }
    }

    func apply(key: String, record: Podguard_V1_FenceRecord, revision: UInt64) {
        let role = CleanupPolicy.role(of: record, onNode: node)
        contents.withLock { contents in
            switch role {
            case .movedAway, .fenceInProgress:
                // Never go back to an older revision (our own write may have been applied already).
                if let known = contents.entries[key], known.revision > revision { return }
                contents.entries[key] = Entry(key: key, revision: revision, record: record, role: role)
            case .alreadyCleaned, .notOurs:
                contents.entries[key] = nil
            }
        }
    }

    enum WriteResult: Sendable, Equatable {
        case written
        /// The record changed role meanwhile (replaced, deleted, cleaned by another instance): nothing written.
        case superseded
    }

    /// Rewrites the record's `node_cleanup` with compare-and-set, re-reading and re-applying on a
    /// concurrent change (fencing or decision writing the same key).
    func updateCleanup(key: String, producer: Podguard_V1_Header,
                       _ change: @Sendable (inout Podguard_V1_NodeCleanupStatus) -> Void) async throws -> WriteResult {
        let outcome = try await store.modify(key: key) { [node] current in
            guard CleanupPolicy.role(of: current, onNode: node) == .movedAway else { return nil }
            var record = current
            change(&record.nodeCleanup)
            record.header.producerID = producer.producerID
            record.header.producedAt = producer.producedAt
            record.header.producerVersion = producer.producerVersion
            return record
        }
        guard case .written(let entry) = outcome else { return .superseded }
        apply(key: key, record: entry.record, revision: entry.revision)
        return .written
    }
}
