import Contracts
import FencingCore
import Testing

@Suite("OutOfServiceGate: when the fast path's taint is earned (pure)")
struct OutOfServiceGateTests {
    static let a = OutOfServiceGate.attachedName(driver: "csi-powerstore.dellemc.com", volumeHandle: "vol-a")
    static let b = OutOfServiceGate.attachedName(driver: "csi-powerstore.dellemc.com", volumeHandle: "vol-b")

    static func applies(_ verdict: OutOfServiceGate.Verdict) -> Bool {
        if case .apply = verdict { return true }
        return false
    }

    @Test("the name is the attach/detach controller's own for a CSI volume")
    func attachedName() {
        #expect(Self.a == "kubernetes.io/csi/csi-powerstore.dellemc.com^vol-a")
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var proof: Podguard_V1_LadderStep?
        var afterStorageFence: Bool
        var attached: [String]?
        var fenced: Set<String>
        var applies: Bool
        var testDescription: String { "proof \(proof.map { "\($0)" } ?? "none"), afterStorageFence \(afterStorageFence), attached \(attached ?? []), fenced \(fenced.sorted())" }
    }

    static let cases: [Case] = [
        Case(proof: .fenceAgent, afterStorageFence: false, attached: nil, fenced: [], applies: true),
        Case(proof: .external, afterStorageFence: false, attached: [a, b], fenced: [], applies: true),
        Case(proof: .approval, afterStorageFence: false, attached: [a], fenced: [], applies: true),
        Case(proof: .storage, afterStorageFence: false, attached: [a], fenced: [a], applies: false),
        Case(proof: nil, afterStorageFence: false, attached: [a], fenced: [a], applies: false),
        Case(proof: .storage, afterStorageFence: true, attached: [a, b], fenced: [a, b], applies: true),
        Case(proof: nil, afterStorageFence: true, attached: [a], fenced: [a, b], applies: true),
        Case(proof: .storage, afterStorageFence: true, attached: [a, b], fenced: [a], applies: false),
        Case(proof: .storage, afterStorageFence: true, attached: [], fenced: [a], applies: false),
        Case(proof: .storage, afterStorageFence: true, attached: nil, fenced: [a], applies: false),
    ]

    @Test("a ladder proof earns the taint whatever is attached; the storage fence alone only when allowed and every attachment is fenced",
          arguments: cases)
    func verdicts(_ given: Case) {
        let verdict = OutOfServiceGate.verdict(proof: given.proof, afterStorageFence: given.afterStorageFence,
                                               attached: given.attached, fenced: given.fenced)
        #expect(Self.applies(verdict) == given.applies, "\(verdict)")
    }

    @Test("no proof earns the taint when no podguard taint goes on with it: nothing would take it off",
          arguments: [Podguard_V1_LadderStep.fenceAgent, .external, .approval, .storage])
    func withheldWithoutAPodguardTaint(_ proof: Podguard_V1_LadderStep) {
        let verdict = OutOfServiceGate.verdict(podguardTainted: false, proof: proof, afterStorageFence: true,
                                               attached: [Self.a], fenced: [Self.a])
        #expect(!Self.applies(verdict), "\(verdict)")
    }

    @Test("a withheld taint says which attachment is not fenced")
    func withheldNamesTheVolume() {
        let verdict = OutOfServiceGate.verdict(proof: nil, afterStorageFence: true, attached: [Self.a, Self.b], fenced: [Self.a])
        #expect(verdict == .withhold("1 attached volume(s) not fenced by podguard, e.g. \(Self.b)"))
    }

    static func record(_ phase: Podguard_V1_FencePhase, fenced: Bool = true, cleaned: Bool = false, dryRun: Bool = false) -> Podguard_V1_FenceRecord {
        var record = Podguard_V1_FenceRecord()
        record.phase = phase
        record.dryRun = dryRun
        record.nodeCleanup.cleaned = cleaned
        var status = Podguard_V1_FenceVolumeStatus()
        status.volume.driver = "csi-powerstore.dellemc.com"
        status.volume.volumeHandle = "vol-a"
        status.fenced = fenced
        var other = Podguard_V1_FenceVolumeStatus()
        other.volume.driver = "csi-powerstore.dellemc.com"
        other.volume.volumeHandle = "vol-b"
        other.fenced = false
        record.volumes = [status, other]
        return record
    }

    @Test("a record holds its unpublished volumes fenced from its fence step until its node is cleaned")
    func fencedVolumes() {
        for phase in [Podguard_V1_FencePhase.fenced, .tainted, .attachmentsDeleted, .eventRecorded, .podDeleted] {
            #expect(OutOfServiceGate.fencedVolumes(Self.record(phase)) == [Self.a], "\(phase)")
        }
        for phase in [Podguard_V1_FencePhase.requested, .validated, .aborted] {
            #expect(OutOfServiceGate.fencedVolumes(Self.record(phase)).isEmpty, "\(phase)")
        }
        #expect(OutOfServiceGate.fencedVolumes(Self.record(.podDeleted, cleaned: true)).isEmpty, "cleaned")
        #expect(OutOfServiceGate.fencedVolumes(Self.record(.podDeleted, dryRun: true)).isEmpty, "dry run")
        #expect(OutOfServiceGate.fencedVolumes(Self.record(.podDeleted, fenced: false)).isEmpty, "nothing unpublished")
    }
}
