public import Contracts
public import Foundation
import SwiftProtobuf

/// Queues the work of a started remediation again when it may never have reached the queue: the
/// record is REQUESTED, no fencing replica has claimed it (no owner), and it was written longer than
/// `after` ago — decision's publish failed every retry, or the stream lost the message. Each record
/// is queued again at most once per `after`; a repeat that does reach fencing alongside the first is
/// harmless (the record's owner and phase decide). Level-based: the records alone say what is due.
/// Pure.
public struct WorkRequeue: Sendable {
    public let after: Duration
    private var lastQueued: [String: Date] = [:]

    public init(after: Duration) {
        self.after = after
    }

    /// The work due again now, for the records of the mirror (keyed by pod uid).
    public mutating func due(_ fences: [String: Podguard_V1_FenceRecord], now: Date) -> [Podguard_V1_FenceWork] {
        let seconds = after.seconds
        lastQueued = lastQueued.filter { now.timeIntervalSince($0.value) < seconds }
        var work: [Podguard_V1_FenceWork] = []
        for record in fences.values.sorted(by: { $0.fenceID < $1.fenceID }) where Self.unclaimed(record) {
            let written = record.transitions.first { $0.phase == .requested }?.at.date ?? record.header.producedAt.date
            guard now.timeIntervalSince(written) >= seconds, lastQueued[record.fenceID] == nil else { continue }
            lastQueued[record.fenceID] = now
            work.append(Podguard_V1_FenceWork(naming: record.request))
        }
        return work
    }

    /// REQUESTED, never claimed by fencing, and carrying the request it was started with. A record
    /// waiting for its node's remediation ladder has no owner either, but its work is in fencing's
    /// hands (handed back to the queue between looks): it is not lost.
    static func unclaimed(_ record: Podguard_V1_FenceRecord) -> Bool {
        record.phase == .requested && record.owner.isEmpty && record.awaitingNodeRemediation.isEmpty
            && record.request.fenceID == record.fenceID
    }
}
