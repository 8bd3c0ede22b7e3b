import SwiftProtobuf
public import Contracts
public import Foundation

extension RemediationHistory {
    /// The remediations of `fences`, newest first, at most `limit`, those requested at or after
    /// `since` (all when nil).
    public init(_ fences: [Podguard_V1_FenceRecord], clock: ViewClock, since: Date? = nil, limit: Int = 50) {
        let chosen = fences
            .filter { record in since.map { (record.requestedDate ?? .distantPast) >= $0 } ?? true }
            .sorted { ($0.requestedDate ?? .distantPast, $0.podName) > ($1.requestedDate ?? .distantPast, $1.podName) }
            .prefix(max(0, limit))
        remediations = chosen.map { Row($0, clock: clock) }
    }
}

extension RemediationHistory.Row {
    init(_ record: Podguard_V1_FenceRecord, clock: ViewClock) {
        let moments = FailoverMoments(record)
        pod = record.podName
        node = record.nodeName
        reason = record.reason.name
        switch record.phase {
        case .podDeleted:
            outcome = record.reason == .crashLoopBackOff ? "deleted" : "moved"
            detail = record.hasReplacementRunningAt || record.reason == .crashLoopBackOff ? "" : "replacement not running yet"
        case .aborted:
            outcome = record.abortReason == .dryRun ? "dry run" : "aborted"
            detail = record.abortReason == .dryRun ? "" : record.abortReason.name
        default:
            outcome = "in progress"
            detail = record.awaitingNodeRemediation.isEmpty ? record.phase.name : "\(record.phase.name), node not proven safe yet"
        }
        requestedAt = record.requestedDate.map(RFC3339.string)
        requestedClock = record.requestedDate.map(clock.time) ?? ""
        replacementNode = record.replacementNodeName.isEmpty ? nil : record.replacementNodeName
        phases = RemediationHistory.PhaseSeconds(
            detectionToDecision: moments.seconds(from: \.detected, to: \.decided),
            decisionToFenced: moments.seconds(from: \.decided, to: \.fenced),
            fencedToPodDeleted: moments.seconds(from: \.fenced, to: \.podDeleted),
            podDeletedToReplacementRunning: moments.seconds(from: \.podDeleted, to: \.replacementRunning),
            detectionToReplacementRunning: moments.seconds(from: \.detected, to: \.replacementRunning))
    }
}

/// The moments of a failover as a FenceRecord holds them: detected (`request.detected_at`),
/// decided (`request.requested_at`), fenced and pod deleted (their transitions), replacement
/// running (`replacement_running_at`).
///
/// The same reading as FencingCore's `FailoverTimeline`, which the CLI may not import (it belongs to
/// the fencing service). It should move to Policy so both use one definition; until then this
/// reads only these five fields.
struct FailoverMoments {
    var detected: Date?
    var decided: Date?
    var fenced: Date?
    var podDeleted: Date?
    var replacementRunning: Date?

    init(_ record: Podguard_V1_FenceRecord) {
        detected = record.request.hasDetectedAt ? record.request.detectedAt.date : nil
        decided = record.request.hasRequestedAt ? record.request.requestedAt.date : nil
        fenced = record.transitions.first { $0.phase == .fenced && $0.hasAt }?.at.date
        podDeleted = record.transitions.first { $0.phase == .podDeleted && $0.hasAt }?.at.date
        replacementRunning = record.hasReplacementRunningAt ? record.replacementRunningAt.date : nil
    }

    /// Seconds between two moments, never negative (they come from different clocks); nil when
    /// either is unknown.
    func seconds(from start: KeyPath<FailoverMoments, Date?>, to end: KeyPath<FailoverMoments, Date?>) -> Double? {
        guard let from = self[keyPath: start], let to = self[keyPath: end] else { return nil }
        return max(0, to.timeIntervalSince(from))
    }
}
