import Foundation

/// A human's answer to the approval step, read from the node annotation
/// (`remediation.approvalAnnotation`): `approve:<bootID>` or `deny:<bootID>[:reason]`. Naming the
/// boot ID makes an answer about one boot only: an approval given for a node that has rebooted
/// since cannot fence the running node. Pure.
public enum NodeApproval: Sendable, Hashable {
    case approved
    case denied(reason: String)
    /// An answer about another boot of the node: ignored.
    case otherBoot(String)
    /// Not an answer podguard reads (said in the record, ignored).
    case unreadable(String)

    /// The answer in `value` for the node's boot `bootID`; nil when there is none.
    public static func read(_ value: String?, bootID: String) -> NodeApproval? {
        guard let value = value?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        let parts = value.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, parts[0] == "approve" || parts[0] == "deny" else {
            return .unreadable("expected approve:<bootID> or deny:<bootID>[:reason], found '\(value.prefix(80))'")
        }
        guard !bootID.isEmpty, parts[1] == bootID else { return .otherBoot(parts[1]) }
        if parts[0] == "approve" { return .approved }
        let reason = parts.count == 3 ? parts[2].trimmingCharacters(in: .whitespaces) : ""
        return .denied(reason: reason.isEmpty ? "no reason given" : reason)
    }
}
