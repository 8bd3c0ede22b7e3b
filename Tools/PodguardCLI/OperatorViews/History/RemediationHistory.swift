import SwiftProtobuf
import Foundation
/// `podguard history`: recent remediations, newest first, with the time each phase of the
/// failover took (detection → decision → fenced → pod deleted → replacement running).
public struct RemediationHistory: OperatorView, Equatable {
    public var remediations: [Row]

    public struct Row: Encodable, Equatable, Sendable {
        public var pod: String
        public var node: String
        public var reason: String
        /// "moved", "deleted", "aborted", "in progress", "dry run".
        public var outcome: String
        /// The phase it reached (the abort reason for an aborted one).
        public var detail: String
        public var requestedAt: String?
        public var replacementNode: String?
        public var phases: PhaseSeconds
        /// The request time in the view's time zone, for the table; not part of JSON/YAML.
        var requestedClock: String

        enum CodingKeys: String, CodingKey { case pod, node, reason, outcome, detail, requestedAt, replacementNode, phases }
    }

    /// Seconds per phase; nil where a moment is not (yet) known.
    public struct PhaseSeconds: Codable, Equatable, Sendable {
        public var detectionToDecision: Double?
        public var decisionToFenced: Double?
        public var fencedToPodDeleted: Double?
        public var podDeletedToReplacementRunning: Double?
        public var detectionToReplacementRunning: Double?
    }

    public var text: String {
        guard !remediations.isEmpty else { return "no remediation recorded\n" }
        var table = TextTable(["requested", "pod", "node", "reason", "outcome", "detect→decide", "decide→fenced",
                               "fenced→deleted", "deleted→running", "total"])
        for row in remediations {
            let seconds = row.phases
            table.append([
                row.requestedClock, row.pod, row.node, row.reason,
                row.detail.isEmpty ? row.outcome : "\(row.outcome) (\(row.detail))",
                words(seconds.detectionToDecision), words(seconds.decisionToFenced), words(seconds.fencedToPodDeleted),
                words(seconds.podDeletedToReplacementRunning), words(seconds.detectionToReplacementRunning),
            ])
        }
        return table.text
    }

    private func words(_ seconds: Double?) -> String { seconds.map(DurationText.words) ?? "" }
}
