import Contracts
import FencingCore
import Foundation
import Testing

@Suite("NodeProofGate and NodeApproval: pure")
struct NodeProofGateTests {
    static func record(_ state: Podguard_V1_NodeRemediationState, boot: String = "boot-1",
                       provenBy: Podguard_V1_LadderStep = .unspecified) -> Podguard_V1_NodeRemediationRecord {
        var record = Podguard_V1_NodeRemediationRecord()
        record.remediationID = "r1"
        record.nodeName = "n1"
        record.bootID = boot
        record.state = state
        record.provenBy = provenBy
        var failed = Podguard_V1_LadderOutcome()
        (failed.step, failed.result, failed.detail) = (.fenceAgent, .failed, "BMC did not answer")
        record.history = [failed]
        return record
    }

    @Test("a proof holds for the boot it was made in only")
    func proofPerBoot() {
        let proven = Self.record(.proven, provenBy: .fenceAgent)
        #expect(NodeProofGate.proof(proven, liveBootID: "boot-1") == .fenceAgent)
        #expect(NodeProofGate.proof(proven, liveBootID: "boot-2") == nil)
        #expect(NodeProofGate.proof(nil, liveBootID: "boot-1") == nil)
        for state in [Podguard_V1_NodeRemediationState.climbing, .exhausted, .denied, .abandoned] {
            #expect(NodeProofGate.proof(Self.record(state), liveBootID: "boot-1") == nil, "\(state)")
        }
        #expect(NodeProofGate.proof(Self.record(.proven, boot: ""), liveBootID: "") == nil, "a record without a boot id proves nothing")
    }

    @Test("a waiting remediation starts the node's climb, waits while it runs, aborts when it ended unproven")
    func verdicts() {
        #expect(NodeProofGate.verdict(nil, liveBootID: "boot-1") == .start)
        #expect(NodeProofGate.verdict(Self.record(.exhausted, boot: "boot-0"), liveBootID: "boot-1") == .start,
                "a finished climb of an earlier boot is replaced")
        #expect(NodeProofGate.verdict(Self.record(.climbing), liveBootID: "boot-1") == .wait(remediationID: "r1"))
        #expect(NodeProofGate.verdict(Self.record(.proven), liveBootID: "boot-1") == .wait(remediationID: "r1"))
        for state in [Podguard_V1_NodeRemediationState.exhausted, .denied, .abandoned] {
            guard case .abort(let text) = NodeProofGate.verdict(Self.record(state), liveBootID: "boot-1") else {
                Issue.record("\(state) did not abort")
                continue
            }
            #expect(text.contains(NodeRemediationText.name(state)) && text.contains("fence-agent failed (BMC did not answer)"), "\(text)")
        }
    }

    @Test("only validate and fence failures the node's proof makes moot are answered")
    func answers() {
        #expect(NodeProofGate.answers(.validate, .arrayConnectedOrIo))
        #expect(NodeProofGate.answers(.fence, .fenceFailed))
        #expect(!NodeProofGate.answers(.validate, .missingCsiAnnotations))
        #expect(!NodeProofGate.answers(.checkSafety, .safetyCheckFailed))
        #expect(!NodeProofGate.answers(.deletePod, .csiUnavailable))
    }

    /// The format's own cases (round trips, every malformed value) are Policy's:
    /// Tests/PolicyTests/NodeApprovalAnnotationTests.swift. These are what fencing makes of them.
    @Test("approval annotations: approve or deny this boot; another boot or an unreadable value is no answer")
    func approval() {
        #expect(NodeApproval.read(nil, bootID: "b1") == nil)
        #expect(NodeApproval.read("  ", bootID: "b1") == nil)
        #expect(NodeApproval.read("approve:b1", bootID: "b1") == .approved)
        #expect(NodeApproval.read("deny:b1:rack 4 is still powered", bootID: "b1") == .denied(reason: "rack 4 is still powered"))
        #expect(NodeApproval.read("deny:b1", bootID: "b1") == .denied(reason: "no reason given"))
        #expect(NodeApproval.read("deny:b1:  ", bootID: "b1") == .denied(reason: "no reason given"))
        #expect(NodeApproval.read("approve:b0", bootID: "b1") == .otherBoot("b0"))
        #expect(NodeApproval.read("deny:b0:why", bootID: "b1") == .otherBoot("b0"), "a denial of another boot is no answer either")
        #expect(NodeApproval.read("approve:", bootID: "") == .otherBoot(""), "a node without a boot id cannot be approved")
        #expect(NodeApproval.read("approve:b1", bootID: "") == .otherBoot("b1"), "a node without a boot id cannot be approved")
        #expect(NodeApproval.read("yes", bootID: "b1")
                == .unreadable("expected approve:<bootID> or deny:<bootID>[:reason], found 'yes'"))
    }

    @Test("texts name the steps and states as the configuration spells them")
    func texts() {
        var record = Self.record(.climbing)
        var rung = Podguard_V1_LadderRung()
        (rung.step, rung.timeoutSeconds) = (.approval, 3600)
        record.ladder = [rung]
        record.rung = 0
        #expect(NodeRemediationText.summary(record) == "climbing at approval: fence-agent failed (BMC did not answer)")
    }
}
