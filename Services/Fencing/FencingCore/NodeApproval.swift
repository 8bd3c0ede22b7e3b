import Foundation
import Policy

/// What a human's answer on the node annotation (`remediation.approvalAnnotation`) means for the
/// boot fencing waits about. The format itself is Policy's `NodeApprovalAnnotation`
/// (Libraries/Policy/NodeApprovalAnnotation+Format.swift), which `podguard approve` / `deny` also
/// write with; here only the boot is matched: an approval given for a node that has rebooted since
/// cannot fence the running node. Pure.
public enum NodeApproval: Sendable, Hashable {
    case approved
    case denied(reason: String)
    /// An answer about another boot of the node: ignored.
    case otherBoot(String)
    /// Not an answer podguard reads (said in the record, ignored).
    case unreadable(String)

    /// The answer in `value` for the node's boot `bootID`; nil when there is none.
    public static func read(_ value: String?, bootID: String) -> NodeApproval? {
        let answer: NodeApprovalAnnotation
        do {
            guard let parsed = try NodeApprovalAnnotation.parse(value) else { return nil }
            answer = parsed
        } catch {
            return .unreadable(String(describing: error))
        }
        guard !bootID.isEmpty, answer.bootID == bootID else { return .otherBoot(answer.bootID) }
        switch answer.verdict {
        case .approve: return .approved
        case .deny: return .denied(reason: answer.reason.isEmpty ? "no reason given" : answer.reason)
        }
    }
}
