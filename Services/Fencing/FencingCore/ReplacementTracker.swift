public import Contracts
public import Foundation
public import SwiftProtobuf

/// Pairs FenceRecords whose pod was deleted with the pod that replaced it: the same namespace and
/// name (the StatefulSet re-creates it), another uid, Running and Ready. Fed the changes of
/// buckets `podguard-fences` and `podguard-pods` in any order; answers which records to complete.
/// Pure: no I/O, no clock of its own.
///
/// Every fencing replica runs one. They all find the same matches; the compare-and-set write
/// (`ReplacementTracker.completing`) lets one of them record it, the others find it recorded.
public struct ReplacementTracker: Sendable {
    /// A pod seen Running and Ready.
    public struct Replacement: Sendable, Equatable {
        public var uid: String
        public var nodeName: String
        /// Its Ready condition's lastTransitionTime, else the watcher's observed_at.
        public var runningAt: Date

        public init(uid: String, nodeName: String, runningAt: Date) {
            self.uid = uid
            self.nodeName = nodeName
            self.runningAt = runningAt
        }

        /// The pod as a replacement candidate: nil unless Running and Ready.
        public init?(_ pod: Podguard_V1_PodState, now: Date) {
            guard pod.phase == "Running", pod.ready == .true, !pod.uid.isEmpty else { return nil }
            let at = pod.hasReadyLastTransition ? pod.readyLastTransition.date
                : pod.hasObservedAt ? pod.observedAt.date : now
            self.init(uid: pod.uid, nodeName: pod.nodeName, runningAt: at)
        }
    }

    /// A record to complete with its replacement.
    public struct Match: Sendable, Equatable {
        /// The record's KeyValue key (the deleted pod's uid, encoded).
        public var fenceKey: String
        public var replacement: Replacement

        public init(fenceKey: String, replacement: Replacement) {
            self.fenceKey = fenceKey
            self.replacement = replacement
        }
    }

    public struct Waiting: Sendable, Equatable {
        var podUID: String
        var podKey: String
        var deletedAt: Date
    }

    /// Records older than this (since the pod delete) stop waiting: a replacement that takes
    /// longer is not this remediation's to measure (or never comes: a scaled-down StatefulSet).
    public let window: Duration
    /// Fence key → the record waiting for its replacement.
    private var waiting: [String: Waiting] = [:]
    /// Pod key (`<namespace>.<name>`, as in bucket podguard-pods) → the pod, if Running and Ready.
    private var running: [String: Replacement] = [:]

    public init(window: Duration) {
        self.window = window
    }

    public var waitingCount: Int { waiting.count }

    // MARK: Inputs

    /// A FenceRecord was put (or deleted: `record` nil).
    public mutating func fence(key: String, record: Podguard_V1_FenceRecord?, now: Date) -> [Match] {
        guard let record, let deletedAt = Self.awaitsReplacement(record), within(deletedAt, now: now) else {
            waiting[key] = nil
            return []
        }
        let entry = Waiting(podUID: record.pod.uid, podKey: PodguardKeys.pod(namespace: record.pod.namespace, name: record.pod.name),
                            deletedAt: deletedAt)
        waiting[key] = entry
        return match(key, entry).map { [$0] } ?? []
    }

    /// A PodState was put (or deleted: `pod` nil) under `key`.
    public mutating func pod(key: String, state pod: Podguard_V1_PodState?, now: Date) -> [Match] {
        running[key] = pod.flatMap { Replacement($0, now: now) }
        guard running[key] != nil else { return [] }
        return waiting.filter { $0.value.podKey == key }.sorted { $0.key < $1.key }.compactMap { match($0.key, $0.value) }
    }

    /// The record under `key` no longer waits (its replacement was recorded, here or elsewhere).
    public mutating func done(_ key: String) {
        waiting[key] = nil
    }

    /// Periodically: drops records past the window, and matches again what still waits (a write
    /// that failed for a reason other than a conflict is retried this way).
    public mutating func tick(now: Date) -> [Match] {
        waiting = waiting.filter { within($0.value.deletedAt, now: now) }
        return waiting.sorted { $0.key < $1.key }.compactMap { match($0.key, $0.value) }
    }

    // MARK: Rules

    /// When the record's pod was deleted, if the record waits for a replacement: POD_DELETED (a
    /// remediation that really deleted the pod), no replacement recorded yet, not a dry run.
    public static func awaitsReplacement(_ record: Podguard_V1_FenceRecord) -> Date? {
        guard record.phase == .podDeleted, !record.hasReplacementRunningAt, !record.dryRun, !record.pod.uid.isEmpty else { return nil }
        if let deleted = record.transitions.first(where: { $0.phase == .podDeleted && $0.hasAt }) { return deleted.at.date }
        return record.hasPodDeleteIssuedAt ? record.podDeleteIssuedAt.date : nil
    }

    /// The record with its replacement recorded, or nil if it does not (any longer) wait for one
    /// or `replacement` is the deleted pod itself. Applied to the freshly read record before each
    /// compare-and-set, so a record another replica completed meanwhile is left alone.
    public static func completing(_ record: Podguard_V1_FenceRecord, with replacement: Replacement) -> Podguard_V1_FenceRecord? {
        guard awaitsReplacement(record) != nil, replacement.uid != record.pod.uid else { return nil }
        var record = record
        record.replacementRunningAt = .init(date: replacement.runningAt)
        record.replacementNodeName = replacement.nodeName
        record.replacementPodUid = replacement.uid
        return record
    }

    private func match(_ key: String, _ entry: Waiting) -> Match? {
        guard let pod = running[entry.podKey], pod.uid != entry.podUID else { return nil }
        return Match(fenceKey: key, replacement: pod)
    }

    private func within(_ deletedAt: Date, now: Date) -> Bool {
        Duration.seconds(now.timeIntervalSince(deletedAt)) <= window
    }
}
