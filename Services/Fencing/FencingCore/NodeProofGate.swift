public import Contracts
public import Foundation

/// Where a pod remediation that the arrays could not prove safe meets its node's remediation
/// (NodeRemediationRecord): which failures the ladder can answer, whether the node is proven safe
/// for the boot it failed in, and what a waiting remediation does next. Pure.
public enum NodeProofGate {
    /// Failures of the validation or fence step that proof of the node itself makes moot: the
    /// array says the node is connected or writing, no array can say (a driver without the check),
    /// the check failed or did not answer, the unpublish failed. A node without a CSI node id, a
    /// pod that is Ready again or gone are not: those stop the remediation whatever the node's state.
    public static let answerableReasons: Set<Podguard_V1_AbortReason> = [
        .arrayConnectedOrIo, .noArrayProof, .validationError, .csiUnavailable, .fenceFailed,
    ]

    /// Can the ladder answer this failure of `step`?
    public static func answers(_ step: RemediationStep, _ reason: Podguard_V1_AbortReason) -> Bool {
        (step == .validate || step == .fence) && answerableReasons.contains(reason)
    }

    /// The step that proved the node safe in the boot it has now, if one did. A proof of an earlier
    /// boot (the node has rebooted since) proves nothing about this one.
    public static func proof(_ record: Podguard_V1_NodeRemediationRecord?, liveBootID: String) -> Podguard_V1_LadderStep? {
        guard let record, record.state == .proven, !record.bootID.isEmpty, record.bootID == liveBootID else { return nil }
        return record.provenBy
    }

    /// What a remediation waiting for its node's proof does next.
    public enum Verdict: Sendable, Hashable {
        /// No remediation of this boot: start one (the node's record, replacing a finished one of an
        /// earlier boot).
        case start
        /// The node's remediation climbs (or proved the node safe: the next delivery goes on).
        case wait(remediationID: String)
        /// The node's remediation of this boot ended without proof: the pod remediation aborts.
        case abort(String)
    }

    public static func verdict(_ record: Podguard_V1_NodeRemediationRecord?, liveBootID: String) -> Verdict {
        guard let record, record.bootID == liveBootID else { return .start }
        switch record.state {
        case .climbing, .proven:
            return .wait(remediationID: record.remediationID)
        case .exhausted, .denied, .abandoned, .unspecified, .UNRECOGNIZED:
            return .abort("the node could not be proven safe: its remediation \(NodeRemediationText.summary(record))")
        }
    }
}
