import Contracts
import NodeCleanupCore
import Policy
import Testing

@Suite("CleanupPlan: a power-fenced node must come back under a new boot (pure)")
struct CleanupPlanTests {
    static func record(provenBy: Podguard_V1_LadderStep, boot: String) -> Podguard_V1_FenceRecord {
        var record = Podguard_V1_FenceRecord()
        record.nodeProvenBy = provenBy
        record.nodeProvenBootID = boot
        return record
    }

    @Test("a node powered off by its fence agent awaits a reboot while it runs the boot it was powered off in")
    func sameBoot() {
        let powered = Self.record(provenBy: .fenceAgent, boot: "boot-1")
        #expect(CleanupPlan.awaitsReboot(powered, liveBootID: "boot-1"))
        #expect(!CleanupPlan.awaitsReboot(powered, liveBootID: "boot-2"), "rebooted: cleaned as usual")
        let verdict = CleanupPolicy.taintVerdict([("db/pg-0", .skippedAwaitingReboot(bootID: "boot-1"))], zombiesSeenSinceTaint: false,
                                                 bootIDChanged: false, requireBootIDChange: false)
        #expect(verdict == .keep(reasons: ["db/pg-0: its node was powered off by the fence agent in boot boot-1 and is back without a new boot"]))
        #expect(CleanupMessageFactory.outcome(.skippedAwaitingReboot(bootID: "boot-1")).0 == .skippedAwaitingReboot)
    }

    @Test("other proofs, and records without a proven boot, do not wait for a reboot", arguments: [
        (Podguard_V1_LadderStep.approval, "boot-1"), (.external, "boot-1"), (.storage, "boot-1"), (.unspecified, ""), (.fenceAgent, ""),
    ])
    func otherProofs(step: Podguard_V1_LadderStep, boot: String) {
        #expect(!CleanupPlan.awaitsReboot(Self.record(provenBy: step, boot: boot), liveBootID: "boot-1"))
    }
}
