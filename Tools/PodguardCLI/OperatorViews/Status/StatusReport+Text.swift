import SwiftProtobuf
import Foundation
extension StatusReport {
    public var text: String {
        var out = "pause:  \(pause.summary)\n"
        out += "storm:  \(storm.summary)\n"
        for holdBack in storm.holdingBack.dropFirst() {
            out += "        also \(holdBack.reason) at \(holdBack.at): \(holdBack.summary)\n"
        }

        out += "\nNodes\n"
        if nodes.isEmpty {
            out += "  (no node state on the bus: is the watcher running?)\n"
        } else {
            var table = TextTable(["node", "ready", "not ready for", "taints", "connectivity", "pods", "remediating"])
            for node in nodes {
                table.append([
                    node.name, node.ready, node.notReadySeconds.map(DurationText.words) ?? "",
                    node.taints.joined(separator: ","),
                    node.connectivity.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","),
                    "\(node.protectedPods)", "\(node.remediationsInProgress)",
                ])
            }
            out += table.text
        }

        out += "\nRemediations in flight\n"
        if remediationsInFlight.isEmpty {
            out += "  none\n"
        } else {
            var table = TextTable(["pod", "node", "reason", "phase", "age", "waiting for"])
            for remediation in remediationsInFlight {
                table.append([
                    remediation.pod + (remediation.dryRun ? " (dry run)" : ""), remediation.node, remediation.reason,
                    remediation.phase, remediation.ageSeconds.map(DurationText.words) ?? "",
                    remediation.awaitingNodeRemediation.map { _ in "node proven safe" } ?? "",
                ])
            }
            out += table.text
        }

        if !nodeRemediations.isEmpty {
            out += "\nNode remediations\n"
            var table = TextTable(["node", "state", "step", "since", "boot id", "ladder"])
            for remediation in nodeRemediations {
                table.append([
                    remediation.node, remediation.state + (remediation.waitingForApproval ? " (approval needed)" : ""),
                    remediation.step ?? "", remediation.since ?? "", remediation.bootID, remediation.ladder,
                ])
            }
            out += table.text
            for remediation in nodeRemediations where remediation.waitingForApproval {
                out += "  \(remediation.node) waits for a person: make sure it is down, then `podguard approve \(remediation.node)` (or `podguard deny \(remediation.node) --reason ...`)\n"
            }
        }
        return out
    }
}
