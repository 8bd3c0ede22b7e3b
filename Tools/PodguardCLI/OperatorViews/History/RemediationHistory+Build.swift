import SwiftProtobuf
public import Contracts
public import Foundation
import Policy

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
        // Every remediation shows its phases, crash-loop deletes and dry runs too: the metrics skip
        // those (FailoverMoments.isFailover), the history does not.
        phases = RemediationHistory.PhaseSeconds(
            detectionToDecision: moments.seconds(.detectionToDecision),
            decisionToFenced: moments.seconds(.decisionToFenced),
            fencedToPodDeleted: moments.seconds(.fencedToPodDeleted),
            podDeletedToReplacementRunning: moments.seconds(.podDeletedToReplacementRunning),
            detectionToReplacementRunning: moments.seconds(.detectionToReplacementRunning))
    }
}
