public import Contracts
import Policy

/// Node remediations in plain words, for abort messages, Events, alerts and logs. Never holds a
/// secret: a step's detail is podguard's own text (a fence agent's output is not copied into it).
public enum NodeRemediationText {
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
        let what = outcome.result.words
        return outcome.detail.isEmpty ? "\(outcome.step.name) \(what)" : "\(outcome.step.name) \(what) (\(outcome.detail))"
    }

    /// "exhausted: fence-agent failed (…); approval timed out".
    public static func summary(_ record: Podguard_V1_NodeRemediationRecord) -> String {
        let steps = record.history.map(outcome).joined(separator: "; ")
        var text = name(record.state)
        if record.state == .climbing, Int(record.rung) < record.ladder.count {
            text += " at \(record.ladder[Int(record.rung)].step.name)"
        }
        return steps.isEmpty ? text : "\(text): \(steps)"
    }
}
