import Contracts

/// What the policy decided for one pod, with the rule that fired (or `.none`) and a sentence a
/// person can read in the DecisionRecord.
public struct PodDecision: Sendable, Equatable {
    public typealias Rule = Podguard_V1_DecisionRecord.Rule
    public typealias Outcome = Podguard_V1_DecisionRecord.Outcome

    public var rule: Rule
    public var outcome: Outcome
    /// The fence reason when the rule asks for a fence (also set when the fence is withheld).
    public var fenceReason: Podguard_V1_FenceReason?
    public var explanation: String
    /// The pod was taken as not Ready on its node's silence alone: the fence must have the array's
    /// proof (`NotReadyEvidence`).
    public var arrayProofRequired: Bool

    public init(rule: Rule, outcome: Outcome, fenceReason: Podguard_V1_FenceReason? = nil, explanation: String,
                arrayProofRequired: Bool = false) {
        self.rule = rule
        self.outcome = outcome
        self.fenceReason = fenceReason
        self.explanation = explanation
        self.arrayProofRequired = arrayProofRequired
    }

    /// True when the decision asks the fencing service to act.
    public var requestsAction: Bool {
        outcome == .fenceRequested || outcome == .deleteRequested || outcome == .taintRequested
    }
}
