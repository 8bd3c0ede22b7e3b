import Foundation
import Policy
import Harness
import Testing

@Suite("remediation ladder and its state machine")
struct NodeRemediationStateMachineTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static func at(_ seconds: TimeInterval) -> Date { t0.addingTimeInterval(seconds) }

    static let full = RemediationLadder(rungs: [
        .init(.storageFence, timeout: .seconds(60)), .init(.fenceAgent, timeout: .seconds(120)),
        .init(.externalRemediation, timeout: .seconds(600)), .init(.approval, timeout: .seconds(3600)),
    ])

    @Test("a ladder is usable only with steps once each, positive timeouts and approval last")
    func validation() throws {
        #expect(try Self.full.validated() == Self.full)
        #expect(throws: RemediationLadder.Problem.empty) { try RemediationLadder(rungs: []).validated() }
        #expect(throws: RemediationLadder.Problem.repeated(.fenceAgent)) {
            try RemediationLadder(rungs: [.init(.fenceAgent, timeout: .seconds(1)), .init(.fenceAgent, timeout: .seconds(1))]).validated()
        }
        #expect(throws: RemediationLadder.Problem.nonPositiveTimeout(.storageFence)) {
            try RemediationLadder(rungs: [.init(.storageFence, timeout: .zero)]).validated()
        }
        #expect(throws: RemediationLadder.Problem.approvalNotLast) {
            try RemediationLadder(rungs: [.init(.approval, timeout: .seconds(1)), .init(.fenceAgent, timeout: .seconds(1))]).validated()
        }
        #expect(try RemediationLadder.storageOnly.validated().rungs.map(\.step) == [.storageFence])
    }

    @Test("the first step that proves the node safe ends the climb; the ones before it are recorded")
    func provenOnTheSecondRung() {
        var machine = NodeRemediationStateMachine(ladder: Self.full, at: Self.t0)
        #expect(machine.initialActions == [.start(.storageFence)])
        #expect(machine.handle(.failed(.storageFence, reason: "array says connected", at: Self.at(5))) == [.start(.fenceAgent)])
        #expect(machine.currentStep == .fenceAgent)
        #expect(machine.handle(.proven(.fenceAgent, at: Self.at(9))) == [.nodeProvenSafe(by: .fenceAgent)])
        guard case .proven(let by, _, let history) = machine.state else { Issue.record("not proven: \(machine.state)"); return }
        #expect(by == .fenceAgent)
        #expect(history.map(\.step) == [.storageFence, .fenceAgent])
        #expect(history.first?.result == .failed("array says connected"))
        // Finished: nothing more happens.
        #expect(machine.handle(.tick(Self.at(10_000))) == [])
        #expect(machine.handle(.proven(.approval, at: Self.at(10_001))) == [])
    }

    @Test("a step past its timeout is withdrawn and the next begins; before it, a tick does nothing")
    func timeouts() {
        var machine = NodeRemediationStateMachine(ladder: Self.full, at: Self.t0)
        #expect(machine.handle(.tick(Self.at(59.9))) == [])
        #expect(machine.handle(.tick(Self.at(60))) == [.withdraw(.storageFence), .start(.fenceAgent)])
        #expect(machine.handle(.tick(Self.at(179))) == [])
        #expect(machine.handle(.tick(Self.at(180))) == [.withdraw(.fenceAgent), .start(.externalRemediation)])
        #expect(machine.handle(.tick(Self.at(780))) == [.withdraw(.externalRemediation), .start(.approval)])
        #expect(machine.handle(.tick(Self.at(4380))) == [.withdraw(.approval), .alertExhausted])
        guard case .exhausted(_, let history) = machine.state else { Issue.record("not exhausted"); return }
        #expect(history.map(\.result) == [.timedOut, .timedOut, .timedOut, .timedOut])
    }

    @Test("inapplicable steps are skipped at once; a ladder with nothing that applies is exhausted")
    func inapplicable() {
        var machine = NodeRemediationStateMachine(ladder: RemediationLadder(rungs: [
            .init(.fenceAgent, timeout: .seconds(60)), .init(.externalRemediation, timeout: .seconds(60)),
        ]), at: Self.t0)
        #expect(machine.handle(.inapplicable(.fenceAgent, reason: "no fence agent for this node", at: Self.at(0))) == [.start(.externalRemediation)])
        #expect(machine.handle(.inapplicable(.externalRemediation, reason: "no template", at: Self.at(0))) == [.alertExhausted])
        #expect(machine.isFinished)
    }

    @Test("a denial ends the climb at the approval step only; a recovered node is left alone")
    func denialAndRecovery() {
        var approval = NodeRemediationStateMachine(ladder: Self.full, at: Self.t0, startRung: 3)
        #expect(approval.initialActions == [.start(.approval)])
        #expect(approval.handle(.denied(reason: "node is being serviced", at: Self.at(30))) == [.alertDenied])
        guard case .denied = approval.state else { Issue.record("not denied"); return }

        var early = NodeRemediationStateMachine(ladder: Self.full, at: Self.t0)
        #expect(early.handle(.denied(reason: "no", at: Self.at(1))) == [], "a denial means nothing before the approval step")
        #expect(early.handle(.nodeRecovered(at: Self.at(2))) == [.withdraw(.storageFence)])
        guard case .abandoned = early.state else { Issue.record("not abandoned"); return }
        #expect(early.handle(.proven(.storageFence, at: Self.at(3))) == [])
    }

    @Test("events about another step than the running one change nothing")
    func staleEvents() {
        var machine = NodeRemediationStateMachine(ladder: Self.full, at: Self.t0)
        #expect(machine.handle(.proven(.fenceAgent, at: Self.at(1))) == [])
        #expect(machine.handle(.failed(.approval, reason: "x", at: Self.at(1))) == [])
        #expect(machine.currentStep == .storageFence)
    }

    @Test("whatever happens, only a proof of the running step lets the pods move, and at most once (seeded)")
    func onlyProofMoves() {
        var generator = SplitMix64(seed: 0x5eed)
        for _ in 0..<2_000 {
            var machine = NodeRemediationStateMachine(ladder: Self.full, at: Self.t0)
            var now: TimeInterval = 0
            var proofs = 0
            for _ in 0..<12 {
                now += Double(generator.next() % 900)
                let running = machine.currentStep
                let step = LadderStep.allCases[Int(generator.next() % 4)]
                let event: NodeRemediationStateMachine.Event = switch generator.next() % 6 {
                case 0: .proven(step, at: Self.at(now))
                case 1: .failed(step, reason: "r", at: Self.at(now))
                case 2: .inapplicable(step, reason: "r", at: Self.at(now))
                case 3: .denied(reason: "r", at: Self.at(now))
                case 4: .nodeRecovered(at: Self.at(now))
                default: .tick(Self.at(now))
                }
                let actions = machine.handle(event)
                for case .nodeProvenSafe(let by) in actions {
                    proofs += 1
                    #expect(event == .proven(by, at: Self.at(now)) && by == running)
                }
                if machine.isFinished { #expect(machine.handle(.tick(Self.at(now + 1e6))) == []) }
            }
            #expect(proofs <= 1)
        }
    }
}
