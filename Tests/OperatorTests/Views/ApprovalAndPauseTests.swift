import SwiftProtobuf
import Harness
import BusService
import Bus
import Contracts
import Foundation
import OperatorViews
import Testing

@Suite("approve / deny answers and the pause switch, before anything is written")
struct ApprovalAndPauseTests {
    @Test("an answer names the boot the node waits about, in the form fencing reads")
    func answers() throws {
        let waiting = Records.nodeRemediation()
        #expect(waiting.isWaitingForApproval)
        #expect(try FenceApproval.approve.annotation(node: "worker-3", record: waiting) == "approve:boot-a")
        #expect(try FenceApproval.deny(reason: " disk still spinning ").annotation(node: "worker-3", record: waiting) == "deny:boot-a:disk still spinning")
        #expect(try FenceApproval.deny(reason: "").annotation(node: "worker-3", record: waiting) == "deny:boot-a")
        // fencing reads at most three fields: a reason may hold ':' itself.
        #expect(try FenceApproval.deny(reason: "see CHG:1234").annotation(node: "worker-3", record: waiting) == "deny:boot-a:see CHG:1234")
    }

    @Test("refused, with the reason, when the node is not waiting for approval", arguments: [
        (nil as Podguard_V1_NodeRemediationRecord?, "node worker-3 has no node remediation: podguard is not waiting for an approval for it"),
        (Records.nodeRemediation(rung: 0), "node worker-3 is not waiting for approval: it is at step fence-agent of its ladder [fence-agent:3m approval:1h], not at approval"),
        ({ var record = Records.nodeRemediation(state: .proven); record.provenBy = .fenceAgent; return record }(),
         "node worker-3 is not waiting for approval: it is already proven safe (by fence-agent)"),
        (Records.nodeRemediation(state: .denied), "node worker-3 is not waiting for approval: its remediation is DENIED"),
        (Records.nodeRemediation(bootID: ""), "node worker-3's remediation names no boot ID: an approval could not be tied to one boot"),
    ])
    func refusals(record: Podguard_V1_NodeRemediationRecord?, message: String) {
        #expect(throws: FenceApprovalError(message)) {
            try FenceApproval.approve.annotation(node: "worker-3", record: record)
        }
    }

    @Test func multiLineReasonRefused() {
        #expect(throws: FenceApprovalError("the reason must be one line")) {
            try FenceApproval.deny(reason: "a\nb").annotation(node: "worker-3", record: Records.nodeRemediation())
        }
    }

    @Test("a pause needs a one-line reason and a sane expiry", arguments: [
        (PauseChange.pause(reason: " ", by: "a", expiresAfter: nil), "a pause needs a reason"),
        (.pause(reason: "a\nb", by: "a", expiresAfter: nil), "the reason must be one line"),
        (.pause(reason: "x", by: "a", expiresAfter: .zero), "--for must be a positive duration"),
        (.pause(reason: "x", by: "a", expiresAfter: .seconds(31 * 86_400)), "--for is longer than 30 days"),
    ])
    func pauseProblems(change: PauseChange, problem: String) {
        #expect(change.problem?.hasPrefix(problem) == true)
    }

    @Test("the switch written is the one decision reads")
    func pauseRecords() {
        let now = Records.at(0)
        let on = PauseChange.pause(reason: "PowerMax upgrade ", by: "alice", expiresAfter: .seconds(7200))
        #expect(on.problem == nil)
        let record = on.record(producerID: "podguard-cli/alice", version: "0.1.0", now: now)
        #expect(record.paused)
        #expect(record.reason == "PowerMax upgrade")
        #expect(record.by == "alice")
        #expect(record.expiresAt.date == Records.at(7200))
        #expect(record.header.producedAt.date == now)
        #expect(record.header.producerID == "podguard-cli/alice")
        let view = PauseResult(record, revision: 3, clock: Records.clock(60))
        #expect(view.pause.paused)
        #expect(view.text.hasPrefix("paused by alice (PowerMax upgrade) since 10:00:00, until 2024-05-01 12:00:00"))

        let off = PauseChange.resume(by: "bob").record(producerID: "podguard-cli/bob", version: "0.1.0", now: now)
        #expect(!off.paused)
        #expect(!off.hasExpiresAt)
        #expect(PauseResult(off, revision: 4, clock: Records.clock(60)).text == "not paused: decision acts\n")
        #expect(PauseChange.pause(reason: "x", by: "a", expiresAfter: nil).record(producerID: "p", version: "v", now: now).hasExpiresAt == false)
    }

    @Test("the answer printed after approve / deny")
    func approvalResult() {
        let approved = FenceApprovalResult(node: "worker-3", bootID: "boot-a", annotation: "podguard.io/fence-approval",
                                           value: "approve:boot-a", answer: "approve")
        #expect(approved.text.hasPrefix("node worker-3 (boot boot-a): approved — annotation podguard.io/fence-approval=approve:boot-a; fencing goes on"))
        let denied = FenceApprovalResult(node: "worker-3", bootID: "boot-a", annotation: "a", value: "deny:boot-a", answer: "deny")
        #expect(denied.text.contains("denied"))
        #expect(denied.text.contains("nothing is deleted"))
    }
}
