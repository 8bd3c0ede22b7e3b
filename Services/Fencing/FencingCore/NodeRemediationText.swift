public import Contracts

/// Node remediations in plain words, for abort messages, Events, alerts and logs. Never holds a
/// secret: a step's detail is podguard's own text (a fence agent's output is not copied into it).
public enum NodeRemediationText {
    /// "fence-agent" for `.fenceAgent`: the ladder's own spelling (configuration, labels, CLI).
    public static func name(_ step: Podguard_V1_LadderStep) -> String {
        switch step {
        case .storage: "storage"
        case .fenceAgent: "fence-agent"
        case .external: "external"
        case .approval: "approval"
        case .unspecified, .UNRECOGNIZED: "unknown"
        }
    }

    public static func name(_ state: Podguard_V1_NodeRemediationState) -> String {
        switch state {
        case .climbing: "climbing"
        case .proven: "proven"
        case .exhausted: "exhausted"
        case .denied: "denied"
        case .abandoned: "abandoned"
        case .unspecified, .UNRECOGNIZED: "unknown"
        }
    }

    /// One outcome: "fence-agent failed (BMC did not answer)".
    public static func outcome(_ outcome: Podguard_V1_LadderOutcome) -> String {
        let what: String = switch outcome.result {
        case .proven: "proved the node safe"
        case .failed: "failed"
        case .timedOut: "timed out"
        case .inapplicable: "did not apply"
        case .denied: "was denied"
        case .abandoned: "was abandoned (the node came back)"
        case .unspecified, .UNRECOGNIZED: "ended"
        }
        return outcome.detail.isEmpty ? "\(name(outcome.step)) \(what)" : "\(name(outcome.step)) \(what) (\(outcome.detail))"
    }

    /// "exhausted: fence-agent failed (…); approval timed out".
    public static func summary(_ record: Podguard_V1_NodeRemediationRecord) -> String {
        let steps = record.history.map(outcome).joined(separator: "; ")
        var text = name(record.state)
        if record.state == .climbing, Int(record.rung) < record.ladder.count {
            text += " at \(name(record.ladder[Int(record.rung)].step))"
        }
        return steps.isEmpty ? text : "\(text): \(steps)"
    }
}
