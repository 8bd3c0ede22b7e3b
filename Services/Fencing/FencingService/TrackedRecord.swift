import Bus
import BusService
import Contracts
import FencingCore
import Foundation
import SwiftProtobuf

/// The FenceRecord a replica works on and the revision it was read at. Every write is a
/// compare-and-set on that revision: if anyone else wrote in between, the write fails and this
/// replica stops (the redelivered request starts over from what the bucket holds).
struct TrackedRecord: Sendable {
    var record: Podguard_V1_FenceRecord
    private(set) var revision: UInt64
    let store: FenceRecordStore
    let messages: FencingMessages

    init(record: Podguard_V1_FenceRecord, revision: UInt64, store: FenceRecordStore, messages: FencingMessages) {
        self.record = record
        self.revision = revision
        self.store = store
        self.messages = messages
    }

    /// Writes the record as this replica's (owner renewed, or cleared once terminal).
    mutating func write(now: Date = Date()) async throws {
        messages.stamp(&record, at: now)
        revision = try await store.write(record, at: revision)
    }

    /// Writes the record with nobody as its owner (a remediation that waits, so any replica may go on).
    mutating func writeReleased(now: Date = Date()) async throws {
        record.header = messages.header(at: now, correlation: record.decisionID)
        record.owner = ""
        record.clearOwnerRenewedAt()
        revision = try await store.write(record, at: revision)
    }

    /// Records a phase change (and its transition) and writes it.
    mutating func enter(_ phase: Podguard_V1_FencePhase, note: String, now: Date = Date()) async throws {
        record.phase = phase
        record.transitions.append(messages.transition(phase, note: note, at: now))
        try await write(now: now)
    }
}
