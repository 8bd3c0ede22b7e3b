import Bus
import BusService
import Contracts
import Foundation
import Logging
import NodeCleanupCore
import Policy

/// This node's view of bucket `podguard-fences`: the records whose pods concern the node (moved
/// away and not cleaned, or still being fenced), kept current by a `KeyValueMirror`, and the
/// compare-and-set write of a record's `node_cleanup`.
final class FenceLedger: Sendable {
    struct Entry: Sendable {
        var key: String
        var revision: UInt64
        var record: Podguard_V1_FenceRecord
        var role: CleanupPolicy.RecordRole
    }

    let store: FenceRecordStore
    let node: String
    private let mirror: KeyValueMirror<Podguard_V1_FenceRecord>

    init(store: FenceRecordStore, node: String) {
        self.store = store
        self.node = node
        self.mirror = KeyValueMirror(store.keyValue, as: Podguard_V1_FenceRecord.self) { _, record in
            Self.concernsNode(CleanupPolicy.role(of: record, onNode: node))
        }
    }

    private static func concernsNode(_ role: CleanupPolicy.RecordRole) -> Bool {
        switch role {
        case .movedAway, .fenceInProgress: true
        case .alreadyCleaned, .notOurs: false
        }
    }

    var isCaughtUp: Bool { mirror.isCaughtUp }

    /// The records that concern the node now (moved away and not cleaned, or fence in progress),
    /// ordered by pod for stable reports.
    func pending() -> [Entry] {
        mirror.snapshot().values
            .map { Entry(key: $0.key, revision: $0.revision, record: $0.value, role: CleanupPolicy.role(of: $0.value, onNode: node)) }
            .sorted { ($0.record.pod.namespace, $0.record.pod.name, $0.key) < ($1.record.pod.namespace, $1.record.pod.name, $1.key) }
    }

    /// Follows the bucket until cancelled, across bus outages. A value that does not decode is
    /// counted and logged by the bus library and reads as absent.
    func follow(logger: Logger, onCaughtUp: @escaping @Sendable () -> Void) async {
        await mirror.follow(logger: logger, caughtUp: onCaughtUp)
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
        // Our own write, before the watch delivers it (its server time is not known here).
        mirror.record(.init(key: key, value: entry.record, revision: entry.revision, storedAt: Date()))
        return .written
    }
}
