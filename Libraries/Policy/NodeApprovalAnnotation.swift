import Foundation

/// A human's answer to a node remediation's approval step, as the node annotation carries it
/// (`remediation.approvalAnnotation`, default ``defaultName``): `approve:<bootID>` or
/// `deny:<bootID>[:reason]`. Naming the boot ID makes an answer about one boot only: an approval
/// given for a node that has rebooted since cannot fence the running node.
///
/// The one definition of the format (NodeApprovalAnnotation+Format.swift): fencing parses it
/// (Services/Fencing/FencingCore/NodeApproval.swift), `podguard approve` / `deny` render it
/// (Tools/PodguardCLI/OperatorViews/Approval/FenceApproval.swift), and fencing's hint to the
/// operator spells it (Services/Fencing/FencingCore/FencingMessages+NodeRemediation.swift).
public struct NodeApprovalAnnotation: Sendable, Hashable {
    public enum Verdict: String, Sendable, Hashable, CaseIterable {
        case approve
        case deny
    }

    public let verdict: Verdict
    /// The boot the answer is about; empty only when a value names none (`approve:`).
    public let bootID: String
    /// Why a denial was given, trimmed of spaces; empty when none was (always empty for an approval).
    public let reason: String

    /// The annotation's name unless `remediation.approvalAnnotation` says otherwise.
    public static let defaultName = "podguard.io/fence-approval"

    public static func approve(bootID: String) -> NodeApprovalAnnotation {
        NodeApprovalAnnotation(verdict: .approve, bootID: bootID, reason: "")
    }

    /// A denial; `reason` is trimmed of spaces and tabs, as the parser trims it.
    public static func deny(bootID: String, reason: String = "") -> NodeApprovalAnnotation {
        NodeApprovalAnnotation(verdict: .deny, bootID: bootID, reason: reason.trimmingCharacters(in: .whitespaces))
    }
}
