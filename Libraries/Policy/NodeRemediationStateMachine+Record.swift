public import Contracts
public import Foundation
import SwiftProtobuf

// The machine's state as the NodeRemediationRecord keeps it (bucket podguard-node-remediations),
// and back: a replica that takes a record over goes on from exactly where its owner stopped.

extension LadderStep {
    public init?(_ contract: Podguard_V1_LadderStep) {
        switch contract {
        case .storage: self = .storageFence
        case .fenceAgent: self = .fenceAgent
        case .external: self = .externalRemediation
        case .approval: self = .approval
        case .unspecified, .UNRECOGNIZED: return nil
        }
    }

    public var contract: Podguard_V1_LadderStep {
        switch self {
        case .storageFence: .storage
        case .fenceAgent: .fenceAgent
        case .externalRemediation: .external
        case .approval: .approval
        }
    }
}

extension RemediationLadder {
    /// The ladder a record keeps; nil when a rung names no step podguard knows.
    public init?(_ rungs: [Podguard_V1_LadderRung]) {
        var ladder: [Rung] = []
        for rung in rungs {
            guard let step = LadderStep(rung.step) else { return nil }
            ladder.append(Rung(step, timeout: .seconds(Int64(rung.timeoutSeconds))))
        }
        self.init(rungs: ladder)
    }

    public var contractRungs: [Podguard_V1_LadderRung] {
        rungs.map { rung in
            var contract = Podguard_V1_LadderRung()
            contract.step = rung.step.contract
            contract.timeoutSeconds = UInt32(clamping: rung.timeout.components.seconds)
            return contract
        }
    }

    /// The rungs after the storage fence: what the ladder offers when the arrays cannot prove a
    /// node safe. Empty for podmon's behaviour (storage only).
    public var beyondStorage: RemediationLadder {
        RemediationLadder(rungs: rungs.filter { $0.step != .storageFence })
    }
}

extension NodeRemediationStateMachine.Outcome {
    init?(_ contract: Podguard_V1_LadderOutcome) {
        guard let step = LadderStep(contract.step) else { return nil }
        let result: Result
        switch contract.result {
        case .proven: result = .proven
        case .failed: result = .failed(contract.detail)
        case .timedOut: result = .timedOut
        case .inapplicable: result = .inapplicable(contract.detail)
        case .denied: result = .denied(contract.detail)
        case .abandoned: result = .abandoned
        case .unspecified, .UNRECOGNIZED: return nil
        }
        self.init(step: step, result: result, at: contract.at.date)
    }

    var contract: Podguard_V1_LadderOutcome {
        var contract = Podguard_V1_LadderOutcome()
        contract.step = step.contract
        contract.at = Google_Protobuf_Timestamp(date: at)
        switch result {
        case .proven: contract.result = .proven
        case .failed(let detail): (contract.result, contract.detail) = (.failed, detail)
        case .timedOut: contract.result = .timedOut
        case .inapplicable(let detail): (contract.result, contract.detail) = (.inapplicable, detail)
        case .denied(let detail): (contract.result, contract.detail) = (.denied, detail)
        case .abandoned: contract.result = .abandoned
        }
        return contract
    }
}

/// Why a record cannot be climbed.
public struct NodeRemediationRecordProblem: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
}

extension NodeRemediationStateMachine {
    /// The machine of a stored record. Throws when the record is not one podguard wrote: a ladder
    /// with unknown or invalid steps, a rung out of range, an unknown state or outcome.
    public init(record: Podguard_V1_NodeRemediationRecord) throws(NodeRemediationRecordProblem) {
        guard let ladder = RemediationLadder(record.ladder) else {
            throw NodeRemediationRecordProblem(description: "its ladder names an unknown step")
        }
        do {
            _ = try ladder.validated()
        } catch {
            throw NodeRemediationRecordProblem(description: "its ladder is invalid: \(error)")
        }
        var history: [Outcome] = []
        for outcome in record.history {
            guard let known = Outcome(outcome) else {
                throw NodeRemediationRecordProblem(description: "its history holds an unknown outcome")
            }
            history.append(known)
        }
        let finishedAt = record.finishedAt.date
        let state: State
        switch record.state {
        case .climbing:
            guard Int(record.rung) < ladder.rungs.count else {
                throw NodeRemediationRecordProblem(description: "its rung \(record.rung) is past the ladder's \(ladder.rungs.count)")
            }
            state = .climbing(rung: Int(record.rung), since: record.rungStartedAt.date, history: history)
        case .proven:
            guard let step = LadderStep(record.provenBy) else {
                throw NodeRemediationRecordProblem(description: "it is proven by an unknown step")
            }
            state = .proven(by: step, at: finishedAt, history: history)
        case .exhausted: state = .exhausted(at: finishedAt, history: history)
        case .denied: state = .denied(at: finishedAt, history: history)
        case .abandoned: state = .abandoned(at: finishedAt, history: history)
        case .unspecified, .UNRECOGNIZED:
            throw NodeRemediationRecordProblem(description: "its state is \(record.state)")
        }
        self.init(ladder: ladder, state: state)
    }

    /// Writes the machine's state into the record (state, rung and its start, history, proof, end);
    /// a new rung is not started yet (`rung_started` false).
    public func apply(to record: inout Podguard_V1_NodeRemediationRecord) {
        let previousRung = (record.state, record.rung)
        record.ladder = ladder.contractRungs
        switch state {
        case .climbing(let rung, let since, let history):
            record.state = .climbing
            record.rung = UInt32(rung)
            record.rungStartedAt = Google_Protobuf_Timestamp(date: since)
            record.history = history.map(\.contract)
            if previousRung != (.climbing, UInt32(rung)) { record.rungStarted = false }
        case .proven(let step, let at, let history):
            (record.state, record.provenBy) = (.proven, step.contract)
            record.finishedAt = Google_Protobuf_Timestamp(date: at)
            record.history = history.map(\.contract)
        case .exhausted(let at, let history), .denied(let at, let history), .abandoned(let at, let history):
            record.state = switch state {
            case .exhausted: .exhausted
            case .denied: .denied
            default: .abandoned
            }
            record.finishedAt = Google_Protobuf_Timestamp(date: at)
            record.history = history.map(\.contract)
        }
    }
}
