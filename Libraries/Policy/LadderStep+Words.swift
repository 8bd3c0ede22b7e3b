public import Contracts

// A node remediation's steps and their outcomes in words, as fencing's messages, alerts and Events
// and the operator's CLI say them alike.

extension Podguard_V1_LadderStep {
    /// "fence-agent" for `.fenceAgent`: the ladder's own spelling (configuration, labels, CLI).
    public var name: String {
        switch self {
        case .storage: "storage"
        case .fenceAgent: "fence-agent"
        case .external: "external"
        case .approval: "approval"
        case .unspecified, .UNRECOGNIZED: "unknown"
        }
    }
}

extension Podguard_V1_LadderOutcome.Result {
    /// Past tense, for a sentence: "fence-agent failed".
    public var words: String {
        switch self {
        case .proven: "proved the node safe"
        case .failed: "failed"
        case .timedOut: "timed out"
        case .inapplicable: "did not apply"
        case .denied: "was denied"
        case .abandoned: "was abandoned (the node came back)"
        case .unspecified, .UNRECOGNIZED: "ended"
        }
    }
}
