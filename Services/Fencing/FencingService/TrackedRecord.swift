import Bus
import Contracts
import Foundation
import SwiftProtobuf

/// The FenceRecord a replica works on and the revision it was read at. Every write is a
/// compare-and-set on that revision: if anyone else wrote in between, the write fails and this
/// replica stops (the redelivered request starts over from what the bucket holds).
struct TrackedRecord: Sendable {
    var record: Podguard_V1_FenceRecord
    private(set) var revision: UInt64
    let store: KeyValueStore
    let messages: FencingMessages

    init(record: Podguard_V1_FenceRecord, revision: UInt64, store: KeyValueStore, messages: FencingMessages) {
        self.record = record
        self.revision = revision
        self.store = store
        self.messages = messages
    }

    var key: String { PodguardKeys.fence(podUID: record.pod.uid) }

    /// Writes the record as this replica's (owner renewed, or cleared once terminal).
    mutating func write(now: Date = Date()) async throws {
        record.header = messages.header(at: now, correlation: record.decisionID)
        if record.phase.isTerminal {
            record.owner = ""
            record.clearOwnerRenewedAt()
        } else {
            record.owner = messages.producerID
            record.ownerRenewedAt = Google_Protobuf_Timestamp(date: now)
        }
        revision = try await store.update(key, message: record, expectedRevision: revision)
    }

    /// Records a phase change (and its transition) and writes it.
    mutating func enter(_ phase: Podguard_V1_FencePhase, note: String, now: Date = Date()) async throws {
        record.phase = phase
        record.transitions.append(messages.transition(phase, note: note, at: now))
        try await write(now: now)
    }
}
