public import Bus
public import Contracts
public import Foundation
public import Logging
import SwiftProtobuf

/// The one writer of FenceRecords (bucket `podguard-fences`, one record per pod uid). decision
/// creates a record, or replaces an ABORTED one (`start`); a fencing replica takes ownership of a
/// live record (`own`) and writes each phase at the revision it read (`write(_:at:)`); node-cleanup
/// and fencing's replacement observer change a record by read–modify–compare-and-set (`modify`).
/// Every write is a compare-and-set, so two writers never overwrite each other: the loser re-reads,
/// or stops.
public struct FenceRecordStore: Sendable {
    public let keyValue: KeyValueStore

    public init(_ keyValue: KeyValueStore) {
        self.keyValue = keyValue
    }

    /// A record and the revision it was read at.
    public struct Entry: Sendable {
        public var record: Podguard_V1_FenceRecord
        public var revision: UInt64
    }

    public static func key(podUID: String) -> String { PodguardKeys.fence(podUID: podUID) }

    /// Follows the records (`KeyValueStore.follow(as:into:…)`): puts, deletes as nil, `caughtUp`.
    public func follow<Input: Sendable>(into sink: AsyncStream<Input>.Continuation, logger: Logger, caughtUp: Input? = nil,
                                        _ input: @escaping @Sendable (String, Podguard_V1_FenceRecord?) -> Input) async {
        await keyValue.follow(as: Podguard_V1_FenceRecord.self, into: sink, logger: logger, caughtUp: caughtUp, input)
    }

    public func read(key: String) async throws -> Entry? {
        try await keyValue.get(key, as: Podguard_V1_FenceRecord.self).map { Entry(record: $0.value, revision: $0.revision) }
    }

    /// Creates the pod's record, or replaces its ABORTED one by compare-and-set (the attempt count
    /// continues). False when a live or finished remediation holds the pod, or another writer won:
    /// exactly one writer starts a remediation of a pod uid.
    public func start(_ record: Podguard_V1_FenceRecord) async throws -> Bool {
        let key = Self.key(podUID: record.pod.uid)
        do {
            _ = try await keyValue.create(key, message: record)
            return true
        } catch BusError.keyExists {
            guard let existing = try await read(key: key), existing.record.phase == .aborted else { return false }
            var replacement = record
            replacement.attempts = existing.record.attempts + 1
            do {
                _ = try await write(replacement, at: existing.revision)
                return true
            } catch BusError.wrongLastRevision {
                return false
            }
        }
    }

    /// Writes `record` over the revision its writer read; returns the new revision. Throws
    /// `BusError.wrongLastRevision` when anyone wrote in between.
    public func write(_ record: Podguard_V1_FenceRecord, at revision: UInt64) async throws -> UInt64 {
        try await keyValue.update(Self.key(podUID: record.pod.uid), message: record, expectedRevision: revision)
    }

    /// What a worker found when it came to carry out a record (`own`).
    public enum Ownership: Sendable {
        /// Now this worker's: its owner and renewal written, `attempts` counted.
        case owned(Entry)
        /// Terminal already: nothing to own (the outcome is re-announced, nothing redone).
        case finished(Entry)
        /// Another worker renewed its ownership less than `takeoverAfter` ago.
        case ownedElsewhere(owner: String, retryAfter: Duration)
        /// The record belongs to another remediation of the pod uid (decision replaced it).
        case otherRemediation(Entry)
        /// `refuse` found the record impossible to carry out (why); nothing written.
        case refused(Entry, String)
        /// No record.
        case missing
    }

    /// Takes ownership of the record of remediation `fenceID` for `worker`, unless `refuse` says why
    /// it cannot be carried out or another worker's ownership is younger than `takeoverAfter`: counts
    /// the attempt, and `stamp` marks the write as the worker's (owner, renewal, header).
    /// Compare-and-set, again on a conflict.
    public func own(key: String, fenceID: String, worker: String, takeoverAfter: Duration, now: @Sendable () -> Date,
                    refuse: (Podguard_V1_FenceRecord) -> String?, stamp: (inout Podguard_V1_FenceRecord) -> Void,
                    attempts: Int = 5) async throws -> Ownership {
        for _ in 0..<attempts {
            guard let entry = try await read(key: key) else { return .missing }
            guard entry.record.fenceID == fenceID else { return .otherRemediation(entry) }
            if let why = refuse(entry.record) { return .refused(entry, why) }
            if entry.record.phase.isTerminal { return .finished(entry) }
            let record = entry.record
            if !record.owner.isEmpty, record.owner != worker, record.hasOwnerRenewedAt {
                let age = Duration.seconds(now().timeIntervalSince(record.ownerRenewedAt.date))
                if age < takeoverAfter {
                    return .ownedElsewhere(owner: record.owner, retryAfter: max(takeoverAfter - age, .milliseconds(100)))
                }
            }
            var owned = record
            owned.attempts += 1
            stamp(&owned)
            do {
                let revision = try await write(owned, at: entry.revision)
                return .owned(Entry(record: owned, revision: revision))
            } catch BusError.wrongLastRevision {
                continue
            }
        }
        throw FenceRecordStoreError.tooManyConflicts(key: key)
    }

    /// What `modify` came to.
    public enum Modification: Sendable {
        /// Written; the record as written and its revision.
        case written(Entry)
        /// `change` declined (or there is no record): nothing written; the record as read, if any.
        case declined(Entry?)
    }

    /// Reads the record, applies `change` (nil: write nothing) and writes it by compare-and-set,
    /// again from a fresh read on a conflict, up to `attempts` times.
    public func modify(key: String, attempts: Int = 10,
                       _ change: (Podguard_V1_FenceRecord) throws -> Podguard_V1_FenceRecord?) async throws -> Modification {
        for _ in 0..<attempts {
            guard let current = try await read(key: key) else { return .declined(nil) }
            guard let changed = try change(current.record) else { return .declined(current) }
            do {
                let revision = try await keyValue.update(key, message: changed, expectedRevision: current.revision)
                return .written(Entry(record: changed, revision: revision))
            } catch BusError.wrongLastRevision {
                continue
            }
        }
        throw FenceRecordStoreError.tooManyConflicts(key: key)
    }
}

public enum FenceRecordStoreError: Error, CustomStringConvertible {
    case tooManyConflicts(key: String)

    public var description: String {
        switch self {
        case .tooManyConflicts(let key): "FenceRecord \(key) kept changing under every compare-and-set; not written"
        }
    }
}
