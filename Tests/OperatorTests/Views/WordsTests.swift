import SwiftProtobuf
import Harness
import BusService
import Bus
import Contracts
import Foundation
import OperatorViews
import Policy
import Testing

@Suite("DecisionRecords and FenceRecord phases in plain words")
struct WordsTests {
    @Test("a fence on an unreachable node the arrays report cut off and idle")
    func fenceSentence() {
        #expect(DecisionWords.sentence(Records.fenceDecision()) ==
            "node worker-3 unreachable for 41 s, the pod is not Ready (Running), the arrays report it disconnected and idle → fence requested (rule NODE_UNREACHABLE_TAINT)")
    }

    @Test("what decision saw of the node, the pod and the arrays")
    func situations() {
        var record = Records.fenceDecision()
        record.inputs.nodeUnreachableNoExecute = false
        record.inputs.nodeUnreachableNoSchedule = false
        record.inputs.nodeReady = .true
        record.inputs.clearNodeNotReadyFor()
        record.inputs.podReady = .true
        record.inputs.connectivity = .connected
        record.inputs.ioInProgress = true
        #expect(DecisionWords.situation(record) == "node worker-3 Ready, the pod is Ready, the arrays still reach it with I/O in progress")

        record.inputs.nodeReady = .false
        record.inputs.nodePodguardTainted = true
        record.inputs.nodeDriverOfflineTainted = true
        record.inputs.connectivity = .lost
        record.inputs.crashLoopBackOff = true
        record.inputs.crashLoopDeletesSoFar = 1
        record.inputs.podReady = .false
        record.inputs.podPhase = ""
        #expect(DecisionWords.situation(record) ==
            "node worker-3 not Ready (False) and carrying the podguard taint with its CSI driver pod offline, the pod is not Ready, it is crash looping (1 delete so far), the arrays report it disconnected but with I/O in progress")

        record.inputs.connectivity = .unknown
        #expect(DecisionWords.situation(record).hasSuffix("no array verdict for it"))
    }

    @Test("outages name the family or driver and the nodes")
    func outages() {
        var record = Records.fenceDecision()
        record.rule = .arrayOutage
        record.outcome = .withheldOutage
        record.outageFamily = .powermax
        record.outageNodes = ["w1", "w2", "w3", "w4", "w5", "w6"]
        #expect(DecisionWords.sentence(record) ==
            "powermax lost on 6 nodes (w1, w2, w3, w4, w5, …): an outage of the array, not of the nodes → withheld: the array or driver is in an outage (rule ARRAY_OUTAGE)")
        record.rule = .driverOutage
        record.outageDriver = "csi-powermax.dellemc.com"
        record.outageNodes = ["w1"]
        #expect(DecisionWords.situation(record) == "driver csi-powermax.dellemc.com down on 1 node (w1): an outage of the driver, not of the nodes")
    }

    @Test("every outcome and rule has its own words and name")
    func everyOutcome() {
        var record = Records.fenceDecision()
        var outcomes: Set<String> = []
        for outcome in Podguard_V1_DecisionRecord.Outcome.allCases where outcome != .unspecified {
            record.outcome = outcome
            let words = DecisionWords.outcome(record)
            #expect(!words.hasPrefix("outcome "), "no words for \(outcome)")
            outcomes.insert(words)
        }
        #expect(outcomes.count == Podguard_V1_DecisionRecord.Outcome.allCases.count - 1)
        #expect(Set(Podguard_V1_DecisionRecord.Rule.allCases.map(\.name)).count == Podguard_V1_DecisionRecord.Rule.allCases.count)
        #expect(Podguard_V1_DecisionRecord.Outcome.withheldPaused.name == "WITHHELD_PAUSED")
        #expect(Podguard_V1_DecisionRecord.Rule(rawValue: 99)!.name == "RULE_99")
    }

    @Test("every phase of a remediation in words")
    func phases() {
        let record = Records.completedFence()
        let words = Podguard_V1_FencePhase.allCases.filter { $0 != .unspecified }.map { FenceWords.phase($0, of: record) }
        #expect(words == [
            "remediation requested from node worker-3, reason NodeFailure, 1 volume",
            "the arrays confirmed the node cut off and idle: fencing allowed",
            "every volume unpublished at the array (1): the node can no longer write to them",
            "node tainted vxflexos.podmon.storage.dell.com:NoSchedule",
            "VolumeAttachments deleted: the volumes may attach elsewhere",
            "Event NodeFailure recorded on the pod",
            "pod force-deleted",
            "aborted: reason UNSPECIFIED (UNSPECIFIED); the pod was not deleted",
        ])
        var proven = record
        proven.nodeProvenBy = .approval
        #expect(FenceWords.phase(.validated, of: proven) == "node proven safe by the approval step (the arrays could not prove it): fencing may go on")
        var crashLoop = record
        crashLoop.reason = .crashLoopBackOff
        #expect(FenceWords.phase(.podDeleted, of: crashLoop) == "pod deleted (normal grace period)")
    }

    @Test("every abort reason says why, differently")
    func aborts() {
        let reasons = Podguard_V1_AbortReason.allCases.filter { $0 != .unspecified }
        let words = reasons.map(FenceWords.abort)
        #expect(Set(words).count == reasons.count)
        #expect(!words.contains { $0.hasPrefix("reason ") })
        #expect(Set(reasons.map(\.name)).count == reasons.count)
    }

    @Test func names() {
        #expect(Podguard_V1_LadderStep.fenceAgent.name == "fence-agent")
        #expect(Podguard_V1_FenceReason.arrayConnectivityLoss.name == "ArrayConnectivityLoss")
        #expect(Podguard_V1_ConditionStatus.unknown.name == "Unknown")
        var taint = Podguard_V1_Taint()
        taint.key = "offline.vxflexos.storage.dell.com"
        taint.value = "x"
        taint.effect = .noExecute
        #expect(taint.text == "offline.vxflexos.storage.dell.com=x:NoExecute")
        #expect(Set(Podguard_V1_LadderOutcome.Result.allCases.map(\.words)).count == Podguard_V1_LadderOutcome.Result.allCases.count)
    }
}
