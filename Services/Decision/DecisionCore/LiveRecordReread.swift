import Contracts
public import Foundation

/// Says which live FenceRecords to read again from the bucket's leader: those this engine has held
/// live and unchanged for `after`. A record's watch can fall behind the bucket and stay behind (a
/// decision started just after a cluster member restarted held a claim the bucket had already
/// replaced by its abort, and answered "already in progress" for minutes: docs/chaos.md). A live
/// record changes while fencing works on it, so one unchanged for longer than a remediation step
/// takes is read again; each at most once per `after`. Level-based and pure: the service does the
/// read and hands the value back as an ordinary change.
public struct LiveRecordReread: Sendable {
    public let after: Duration
    /// Pod uid → when its live record last changed or was read again.
    private var lastSeen: [String: Date] = [:]

    public init(after: Duration) {
        self.after = after
    }

    /// A record arrived (from the watch or a read): live ones start their wait again, others leave.
    public mutating func observed(podUID uid: String, live: Bool, at now: Date) {
        lastSeen[uid] = live ? now : nil
    }

    /// The pod uids due for a read now, sorted; each waits `after` again.
    public mutating func due(now: Date) -> [String] {
        let seconds = after.seconds
        let due = lastSeen.filter { now.timeIntervalSince($0.value) >= seconds }.keys.sorted()
        for uid in due { lastSeen[uid] = now }
        return due
    }
}
