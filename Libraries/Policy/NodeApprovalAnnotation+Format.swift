import Foundation

/// The grammar, exactly as fencing has always read it:
///
/// - the whole value is trimmed of whitespace and newlines; an empty value is no answer;
/// - it is split at the first two `:` into at most three fields, empty fields kept, so a reason
///   may hold `:` itself;
/// - the first field is `approve` or `deny` (lower case), and a second field, the boot ID, must
///   follow (it may be empty: `approve:` parses, and names no boot);
/// - a denial's third field is its reason, trimmed of spaces; an approval's third field is ignored.
extension NodeApprovalAnnotation {
    /// A value that is not an answer podguard reads.
    public struct Malformed: Error, Sendable, Hashable, CustomStringConvertible {
        /// The value as read (trimmed, at most 80 characters).
        public var found: String

        public init(found: String) { self.found = found }

        public var description: String { "expected approve:<bootID> or deny:<bootID>[:reason], found '\(found)'" }
    }

    /// The answer in the annotation's `value`; nil when there is none (no annotation, or only
    /// whitespace).
    public static func parse(_ value: String?) throws(Malformed) -> NodeApprovalAnnotation? {
        guard let value = value?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        let fields = value.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard fields.count >= 2, let verdict = Verdict(rawValue: fields[0]) else {
            throw Malformed(found: String(value.prefix(80)))
        }
        switch verdict {
        case .approve: return .approve(bootID: fields[1])
        case .deny: return .deny(bootID: fields[1], reason: fields.count == 3 ? fields[2] : "")
        }
    }

    /// The annotation value: `approve:<bootID>`, `deny:<bootID>`, or `deny:<bootID>:<reason>`.
    /// It parses back to this answer when the boot ID holds no `:` and the reason no newline
    /// (kubelet's boot IDs are UUIDs; `podguard deny` refuses a reason of more than one line).
    public var value: String {
        switch verdict {
        case .approve: "approve:\(bootID)"
        case .deny: reason.isEmpty ? "deny:\(bootID)" : "deny:\(bootID):\(reason)"
        }
    }
}
