import SwiftProtobuf
public import Contracts
import Foundation

/// A DecisionRecord in one sentence: what decision saw, what it did, and which rule said so —
/// "node worker-3 unreachable for 41 s, the pod is not Ready, the arrays report it disconnected
/// and idle → fence requested (rule NODE_UNREACHABLE_TAINT)".
public enum DecisionWords {
    public static func sentence(_ record: Podguard_V1_DecisionRecord) -> String {
        "\(situation(record)) → \(outcome(record)) (rule \(record.rule.name))"
    }

    /// What decision saw.
    public static func situation(_ record: Podguard_V1_DecisionRecord) -> String {
        let inputs = record.inputs
        switch record.rule {
        case .arrayOutage:
            let family = PodguardSubjects.token(record.outageFamily)
            return "\(family) lost on \(nodeList(record.outageNodes)): an outage of the array, not of the nodes"
        case .driverOutage:
            return "driver \(record.outageDriver) down on \(nodeList(record.outageNodes)): an outage of the driver, not of the nodes"
        default:
            break
        }
        var parts = [node(record)]
        switch inputs.podReady {
        case .true: parts.append("the pod is Ready")
        default: parts.append("the pod is not Ready" + (inputs.podPhase.isEmpty ? "" : " (\(inputs.podPhase))"))
        }
        if inputs.crashLoopBackOff {
            parts.append("it is crash looping (\(inputs.crashLoopDeletesSoFar) delete\(inputs.crashLoopDeletesSoFar == 1 ? "" : "s") so far)")
        }
        parts.append(arrays(inputs))
        return parts.joined(separator: ", ")
    }

    static func node(_ record: Podguard_V1_DecisionRecord) -> String {
        let inputs = record.inputs
        let name = record.nodeName.isEmpty ? "its node" : "node \(record.nodeName)"
        let forHowLong = inputs.hasNodeNotReadyFor ? " for \(DurationText.words(Double(inputs.nodeNotReadyFor.seconds) + Double(inputs.nodeNotReadyFor.nanos) / 1e9))" : ""
        var text: String
        if inputs.nodeUnreachableNoExecute || inputs.nodeUnreachableNoSchedule {
            text = "\(name) unreachable\(forHowLong)"
        } else if inputs.nodeReady != .true {
            text = "\(name) not Ready (\(inputs.nodeReady.name))\(forHowLong)"
        } else {
            text = "\(name) Ready"
        }
        if inputs.nodePodguardTainted { text += " and carrying the podguard taint" }
        if inputs.nodeDriverOfflineTainted { text += " with its CSI driver pod offline" }
        return text
    }

    static func arrays(_ inputs: Podguard_V1_DecisionInputs) -> String {
        switch inputs.connectivity {
        case .lost:
            return "the arrays report it disconnected" + (inputs.ioInProgress ? " but with I/O in progress" : " and idle")
        case .connected:
            return "the arrays still reach it" + (inputs.ioInProgress ? " with I/O in progress" : "")
        case .unknown, .UNRECOGNIZED:
            return "no array verdict for it"
        }
    }

    /// What decision did, or why it held back.
    public static func outcome(_ record: Podguard_V1_DecisionRecord) -> String {
        switch record.outcome {
        case .noAction: "no action"
        case .fenceRequested: "fence requested"
        case .deleteRequested: "delete requested"
        case .taintRequested: "taint requested"
        case .withheldDryRun: "would act, but dry run is on: nothing done"
        case .withheldStormLimit: "withheld by the storm limits (decided again as remediations end)"
        case .withheldApprovalPending: "waiting for an operator's approval"
        case .alreadyInProgress: "a remediation is already in progress"
        case .refused: "refused"
        case .withheldPaused: "withheld: podguard is paused (acts once resumed)"
        case .withheldOutage: "withheld: the array or driver is in an outage"
        case .withheldRepeat: "withheld: its workload was already moved off another node recently"
        case .unspecified, .UNRECOGNIZED: "outcome \(record.outcome.name)"
        }
    }

    private static func nodeList(_ nodes: [String]) -> String {
        let shown = nodes.prefix(5).joined(separator: ", ")
        let count = "\(nodes.count) node\(nodes.count == 1 ? "" : "s")"
        return nodes.isEmpty ? "several nodes" : nodes.count > 5 ? "\(count) (\(shown), …)" : "\(count) (\(shown))"
    }
}
