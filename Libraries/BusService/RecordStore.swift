public import Bus
public import Contracts
public import Foundation
public import Logging
public import SwiftProtobuf

/// A durable record that one worker at a time carries out: a FenceRecord (one per pod uid) or a
/// NodeRemediationRecord (one per node).
public protocol OwnedRecord: SwiftProtobuf.Message, Sendable {
    /// Its key in the bucket.
    var recordKey: String { get }
    /// The id of the remediation it records; a worker sent for another id finds it stale.
    var remediationIdentity: String { get }
    /// Finished: nothing to own, the outcome stays as it is.
    var isFinished: Bool { get }
    /// May a new remediation of the same key replace it (`RecordStore.start`)?
    var isReplaceable: Bool { get }
    var owner: String { get set }
    var ownerRenewedAt: Google_Protobuf_Timestamp { get set }
    var hasOwnerRenewedAt: Bool { get }
    /// Carries over what a replacement keeps from the record it replaces (an attempt count).
    mutating func continuing(from replaced: Self)
}

/// The one writer of a bucket of `OwnedRecord`s. A starter creates a record, or replaces a
/// replaceable one (`start`); a worker takes ownership of a live record (`own`) and writes it at
/// the revision it read (`write(_:at:)`); others change a record by read–modify–compare-and-set
/// (`modify`). Every write is a compare-and-set, so two writers never overwrite each other: the
/// loser re-reads, or stops.
public struct RecordStore<Record: OwnedRecord>: Sendable {
    public let keyValue: KeyValueStore

    public init(_ keyValue: KeyValueStore) {
        self.keyValue = keyValue
    }

    /// A record and the revision it was read at.
    public struct Entry: Sendable {
        public var record: Record
        public var revision: UInt64

        public init(record: Record, revision: UInt64) {
            self.record = record
            self.revision = revision
        }
    }

    /// Follows the records (`KeyValueStore.follow(as:into:…)`): puts, deletes as nil, `caughtUp`.
    public func follow<Input: Sendable>(into sink: AsyncStream<Input>.Continuation, logger: Logger, caughtUp: Input? = nil,
                                        _ input: @escaping @Sendable (String, Record?) -> Input) async {
        await keyValue.follow(as: Record.self, into: sink, logger: logger, caughtUp: caughtUp, input)
    }

    public func read(key: String) async throws -> Entry? {
        try await keyValue.get(key, as: Record.self).map { Entry(record: $0.value, revision: $0.revision) }
    }

    /// Creates the record, or replaces a replaceable one by compare-and-set (`continuing(from:)`).
    /// False when a live or finished record that may not be replaced holds the key, or another
    /// writer won: exactly one writer starts a remediation of a key.
    public func start(_ record: Record) async throws -> Bool {
        let key = record.recordKey
        do {
            _ = try await keyValue.create(key, message: record)
            return true
        } catch BusError.keyExists {
            guard let existing = try await read(key: key), existing.record.isReplaceable else { return false }
            var replacement = record
            replacement.continuing(from: existing.record)
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
    public func write(_ record: Record, at revision: UInt64) async throws -> UInt64 {
        try await keyValue.update(record.recordKey, message: record, expectedRevision: revision)
    }

    /// What a worker found when it came to carry out a record (`own`).
    public enum Ownership: Sendable {
        /// Now this worker's: its owner and renewal written (`stamp`).
        case owned(Entry)
        /// Finished already: nothing to own (the outcome is re-announced, nothing redone).
        case finished(Entry)
        /// Another worker renewed its ownership less than `takeoverAfter` ago.
        case ownedElsewhere(owner: String, retryAfter: Duration)
        /// The record belongs to another remediation of the key.
        case otherRemediation(Entry)
        /// `refuse` found the record impossible to carry out (why); nothing written.
        case refused(Entry, String)
        /// No record.
        case missing
    }

    /// Takes ownership of the record of remediation `identity` for `worker`, unless `refuse` says
    /// why it cannot be carried out or another worker's ownership is younger than `takeoverAfter`;
    /// `stamp` marks the write as the worker's (owner, renewal, header, attempt count).
    /// Compare-and-set, again on a conflict.
    public func own(key: String, identity: String, worker: String, takeoverAfter: Duration, now: @Sendable () -> Date,
                    refuse: (Record) -> String? = { _ in nil }, stamp: (inout Record) -> Void,
                    attempts: Int = 5) async throws -> Ownership {
        for _ in 0..<attempts {
            guard let entry = try await read(key: key) else { return .missing }
            guard entry.record.remediationIdentity == identity else { return .otherRemediation(entry) }
            if let why = refuse(entry.record) { return .refused(entry, why) }
            if entry.record.isFinished { return .finished(entry) }
            let record = entry.record
            if !record.owner.isEmpty, record.owner != worker, record.hasOwnerRenewedAt {
                let age = Duration.seconds(now().timeIntervalSince(record.ownerRenewedAt.date))
                if age < takeoverAfter {
                    return .ownedElsewhere(owner: record.owner, retryAfter: max(takeoverAfter - age, .milliseconds(100)))
                }
            }
            var owned = record
            stamp(&owned)
            do {
                let revision = try await write(owned, at: entry.revision)
                return .owned(Entry(record: owned, revision: revision))
            } catch BusError.wrongLastRevision {
                continue
            }
        }
        throw RecordStoreError.tooManyConflicts(key: key)
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
                       _ change: (Record) throws -> Record?) async throws -> Modification {
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
        throw RecordStoreError.tooManyConflicts(key: key)
    }
}

public enum RecordStoreError: Error, CustomStringConvertible {
    case tooManyConflicts(key: String)

    public var description: String {
        switch self {
        case .tooManyConflicts(let key): "record \(key) kept changing under every compare-and-set; not written"
        }
    }
}
