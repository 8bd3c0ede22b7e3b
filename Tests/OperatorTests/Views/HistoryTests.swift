import SwiftProtobuf
import Harness
import BusService
import Bus
import Contracts
import Foundation
import OperatorViews
import Testing

@Suite("history: remediations with the time of each phase")
struct HistoryTests {
    @Test("a failover's phases: detection → decision → fenced → pod deleted → replacement running")
    func phases() throws {
        let history = RemediationHistory([Records.completedFence()], clock: Records.clock())
        let row = try #require(history.remediations.first)
        #expect(row.outcome == "moved")
        #expect(row.detail == "")
        #expect(row.replacementNode == "worker-1")
        #expect(row.phases.detectionToDecision == 2)
        #expect(row.phases.decisionToFenced == 3)
        #expect(row.phases.fencedToPodDeleted == 3.5)
        #expect(row.phases.podDeletedToReplacementRunning == 11.5)
        #expect(row.phases.detectionToReplacementRunning == 20)
        #expect(history.text == """
        REQUESTED  POD            NODE      REASON       OUTCOME  DETECT→DECIDE  DECIDE→FENCED  FENCED→DELETED  DELETED→RUNNING  TOTAL
        10:04:12   db/postgres-0  worker-3  NodeFailure  moved    2 s            3 s            3.5 s           12 s             20 s

        """)
    }

    @Test("outcomes: aborted, dry run, in progress, deleted crash loop; unknown moments stay empty")
    func outcomes() {
        var dryRun = Records.abortedFence()
        dryRun.abortReason = .dryRun
        var crashLoop = Records.completedFence()
        crashLoop.reason = .crashLoopBackOff
        crashLoop.clearReplacementRunningAt()
        var noReplacement = Records.completedFence()
        noReplacement.clearReplacementRunningAt()
        let rows = [Records.abortedFence(), dryRun, Records.waitingFence(), crashLoop, noReplacement]
            .map { RemediationHistory([$0], clock: Records.clock()).remediations[0] }
        #expect(rows.map(\.outcome) == ["aborted", "dry run", "in progress", "deleted", "moved"])
        #expect(rows.map(\.detail) == ["ARRAY_CONNECTED_OR_IO", "", "REQUESTED, node not proven safe yet", "", "replacement not running yet"])
        #expect(rows[0].phases.decisionToFenced == nil)
        #expect(rows[0].phases.detectionToDecision == 2)
        #expect(rows[4].phases.podDeletedToReplacementRunning == nil)
        #expect(rows[4].phases.detectionToReplacementRunning == nil)
    }

    @Test("clocks that disagree never give a negative phase")
    func neverNegative() {
        var record = Records.completedFence()
        record.request.detectedAt = Records.stamp(260)
        #expect(RemediationHistory([record], clock: Records.clock()).remediations[0].phases.detectionToDecision == 0)
    }

    @Test("newest first, at most the limit, none before --since")
    func orderAndLimits() {
        let records = (0..<5).map { index -> Podguard_V1_FenceRecord in
            var record = Records.completedFence(pod: Records.pod("db", "pod-\(index)", uid: "u\(index)"))
            record.request.requestedAt = Records.stamp(Double(index) * 100)
            return record
        }
        let all = RemediationHistory(records.shuffled(), clock: Records.clock())
        #expect(all.remediations.map(\.pod) == ["db/pod-4", "db/pod-3", "db/pod-2", "db/pod-1", "db/pod-0"])
        #expect(RemediationHistory(records, clock: Records.clock(), limit: 2).remediations.map(\.pod) == ["db/pod-4", "db/pod-3"])
        #expect(RemediationHistory(records, clock: Records.clock(), since: Records.at(250)).remediations.map(\.pod) == ["db/pod-4", "db/pod-3"])
        #expect(RemediationHistory([], clock: Records.clock()).text == "no remediation recorded\n")
    }
}
