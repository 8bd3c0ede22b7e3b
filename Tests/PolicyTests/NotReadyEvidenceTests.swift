import Contracts
import Foundation
import Policy
import SwiftProtobuf
import Testing

@Suite("not-Ready evidence: a silent node's pods, podmon's rule as a setting")
struct NotReadyEvidenceTests {
    static func inputs(podReady: Podguard_V1_ConditionStatus = .true, nodeReady: Podguard_V1_ConditionStatus = .unknown,
                       notReadyFor: Double? = 30, noSchedule: Bool = true, noExecute: Bool = false,
                       connectivity: Podguard_V1_ConnectivityVerdict = .unknown) -> Podguard_V1_DecisionInputs {
        var inputs = DecisionPolicyTests.inputs(ready: podReady, noSchedule: noSchedule, noExecute: noExecute, connectivity: connectivity)
        inputs.nodeReady = nodeReady
        if let notReadyFor { inputs.nodeNotReadyFor = Google_Protobuf_Duration(rounding: notReadyFor, rule: .towardZero) }
        return inputs
    }

    static func generic(_ inputs: Podguard_V1_DecisionInputs) -> Podguard_V1_DecisionInputs {
        var inputs = inputs
        inputs.families = [.powerflex, .generic]
        return inputs
    }

    static func configuration(_ evidence: NotReadyEvidence) -> PolicyConfiguration {
        var configuration = PolicyConfiguration(familiesWithoutArrayProof: [.generic])
        configuration.notReadyEvidence = evidence
        return configuration
    }

    enum Expect: Equatable { case fenceWithProof, fence, noAction }

    static let table: [(String, Podguard_V1_DecisionInputs, NotReadyEvidence, Expect)] = [
        ("Ready pod, silent node: fence on the array's proof", inputs(), .nodeSilence(grace: .zero), .fenceWithProof),
        ("Ready pod, node Ready=False and unreachable", inputs(nodeReady: .false), .nodeSilence(grace: .zero), .fenceWithProof),
        ("Ready pod, NoExecute only", inputs(noSchedule: false, noExecute: true), .nodeSilence(grace: .zero), .fenceWithProof),
        ("Ready pod, silent node, podmon's rule", inputs(), .podCondition, .noAction),
        ("Ready pod, silent for less than the grace", inputs(notReadyFor: 10), .nodeSilence(grace: .seconds(20)), .noAction),
        ("Ready pod, silent for exactly the grace", inputs(notReadyFor: 20), .nodeSilence(grace: .seconds(20)), .fenceWithProof),
        ("Ready pod, node Unknown without the unreachable taint", inputs(noSchedule: false), .nodeSilence(grace: .zero), .noAction),
        ("Ready pod, node Ready with a leftover unreachable taint", inputs(nodeReady: .true, notReadyFor: nil), .nodeSilence(grace: .zero), .noAction),
        ("Ready pod, node Unknown with no transition time", inputs(notReadyFor: nil), .nodeSilence(grace: .zero), .noAction),
        ("Ready pod, connectivity lost but the node reports", inputs(nodeReady: .true, notReadyFor: nil, noSchedule: false, connectivity: .lost),
         .nodeSilence(grace: .zero), .noAction),
        ("Ready pod of a family that cannot prove it, silent node", generic(inputs()), .nodeSilence(grace: .zero), .noAction),
        ("not Ready pod of such a family: podmon's path", generic(inputs(podReady: .false)), .nodeSilence(grace: .zero), .fence),
        ("not Ready pod, silent node: podmon's own path, no proof demanded", inputs(podReady: .false), .nodeSilence(grace: .zero), .fence),
        ("not Ready pod, silent node, podmon's rule", inputs(podReady: .false), .podCondition, .fence),
    ]

    @Test("who counts as not Ready", arguments: table)
    func evidence(_ name: String, _ inputs: Podguard_V1_DecisionInputs, _ evidence: NotReadyEvidence, _ expected: Expect) {
        let decision = DecisionPolicy.decide(inputs, configuration: Self.configuration(evidence), fenceInProgress: false)
        let got: Expect = switch (decision.outcome, decision.arrayProofRequired) {
        case (.fenceRequested, true): .fenceWithProof
        case (.fenceRequested, false): .fence
        default: .noAction
        }
        #expect(got == expected, "\(name): \(decision.explanation)")
    }

    @Test("the explanation says why a Ready pod is acted on")
    func explanation() {
        let decision = DecisionPolicy.decide(Self.inputs(notReadyFor: 42), configuration: Self.configuration(.nodeSilence(grace: .zero)),
                                             fenceInProgress: false)
        #expect(decision.explanation.contains("Ready=Unknown for 42 s"))
        #expect(decision.explanation.contains("array must prove"))
    }

    @Test("withheld decisions keep the proof requirement; dry run and storm limits still apply")
    func withheld() {
        var dry = Self.configuration(.nodeSilence(grace: .zero))
        dry.dryRun = true
        let decision = DecisionPolicy.decide(Self.inputs(), configuration: dry, fenceInProgress: false)
        #expect(decision.outcome == .withheldDryRun)
        #expect(decision.arrayProofRequired)
    }

    @Test("the builder records how long the node has not been Ready")
    func builderDuration() {
        var node = Podguard_V1_NodeState()
        node.name = "w1"
        node.ready = .unknown
        let since = Date(timeIntervalSince1970: 1_800_000_000)
        node.readyLastTransition = Google_Protobuf_Timestamp(date: since)
        var pod = Podguard_V1_PodState()
        pod.nodeName = "w1"
        let builder = DecisionInputsBuilder(taintKeys: TaintKeys(podguard: [:], driverOffline: [:]))
        let counts = DecisionInputsBuilder.FenceCounts(inProgress: 0, nodes: [], nodesTotal: 1)
        let inputs = builder.inputs(pod: pod, node: node, connectivity: [], crashLoopDeletesSoFar: 0, fences: counts,
                                    now: since.addingTimeInterval(12.5))
        #expect(inputs.hasNodeNotReadyFor)
        #expect(inputs.nodeNotReadyFor.seconds == 12)
        node.ready = .true
        let ready = builder.inputs(pod: pod, node: node, connectivity: [], crashLoopDeletesSoFar: 0, fences: counts,
                                   now: since.addingTimeInterval(12.5))
        #expect(!ready.hasNodeNotReadyFor)
    }

    @Test("the node-silence rule itself")
    func nodeSilent() {
        #expect(NotReadyEvidence.nodeSilent(nodeReady: .unknown, notReadyFor: .seconds(1), unreachableTainted: true, grace: .zero))
        #expect(!NotReadyEvidence.nodeSilent(nodeReady: .true, notReadyFor: .seconds(100), unreachableTainted: true, grace: .zero))
        #expect(!NotReadyEvidence.nodeSilent(nodeReady: .unknown, notReadyFor: .seconds(100), unreachableTainted: false, grace: .zero))
        #expect(!NotReadyEvidence.nodeSilent(nodeReady: .unknown, notReadyFor: nil, unreachableTainted: true, grace: .zero))
    }
}
