import Contracts
import DecisionCore
import DecisionService
import Policy
import ServiceKit
import Testing

@Suite("decision's policy settings")
struct DecisionSettingsTests {
    static func policy(_ flags: [String: String]) throws -> PolicyConfiguration {
        try DecisionSettings.policy(try ConfigLoader.load(schema: ConfigSchema.common.merging(DecisionSettings.schema),
                                                          file: nil, environment: [:], flags: flags))
    }

    @Test("node silence is the default not-Ready evidence; 'pod' is podmon's rule; the generic family cannot prove a node safe")
    func notReadyEvidence() throws {
        let defaults = try Self.policy([:])
        #expect(defaults.notReadyEvidence == .nodeSilence(grace: .zero))
        #expect(defaults.familiesWithoutArrayProof == [.generic])
        #expect(try Self.policy(["policy.notReadyEvidence": "pod"]).notReadyEvidence == .podCondition)
        #expect(try Self.policy(["policy.nodeNotReadyGrace": "15s"]).notReadyEvidence == .nodeSilence(grace: .seconds(15)))
    }

    @Test("an unknown evidence is a clear configuration error")
    func invalidEvidence() throws {
        do {
            _ = try Self.policy(["policy.notReadyEvidence": "kubelet"])
            Issue.record("accepted 'kubelet'")
        } catch {
            #expect("\(error)".contains("policy.notReadyEvidence"))
            #expect("\(error)".contains("node"))
        }
    }
}
