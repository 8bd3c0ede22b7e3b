import ArgumentParser
import ArrayFamily
import Contracts
import Foundation
import Harness
import Kube
import Logging
import CSISimulator
import NodeSimulator
import PodguardStack
import Synchronization
import Glibc

extension DemoRun {
    // MARK: Live events

    func show(_ event: FailoverEvent) {
        guard let zero = zero.withLock({ $0 }) else { return }
        let c = console
        let offset = event.at.timeIntervalSince(zero)
        func emit(_ source: String, _ text: String, _ style: Console.Style = .blue) {
            c.line(c.paint(String(format: "  %+6.2f s  ", offset), .bold) + c.paint(source.padding(toLength: 10, withPad: " ", startingAt: 0), style) + text)
        }
        switch event.kind {
        case .nodeReady(let node, let status, let reason):
            var text = "node \(node) Ready → \(status)\(reason.isEmpty ? "" : " (\(reason))")"
            if event.kind.isNodeFailureTrigger(on: node), triggerSeen.withLock({ $0.insert(node).inserted }) {
                text += c.paint("   ← the Kubernetes trigger (summary times start here)", .yellow)
            }
            emit("apiserver", text)
        case .taintAdded(let node, let key, let effect):
            var text = "node \(node) tainted \(key):\(effect)"
            if event.kind.isNodeFailureTrigger(on: node), triggerSeen.withLock({ $0.insert(node).inserted }) {
                text += c.paint("   ← the Kubernetes trigger (summary times start here)", .yellow)
            }
            emit("apiserver", text)
        case .taintRemoved(let node, let key, let effect):
            emit("apiserver", "node \(node) untainted \(key):\(effect)", key.hasSuffix(".podmon.storage.dell.com") ? .green : .blue)
        case .podNotReady(let pod):
            emit("apiserver", "pod \(pod.name) not Ready (on \(pod.node))")
        case .podRunning(let pod):
            emit("apiserver", "pod \(pod.name) Running and Ready on \(pod.node) (new uid \(pod.uid.prefix(8)))", .green)
        case .podTerminating(let pod, let grace):
            emit("apiserver", "pod \(pod.name) terminating (grace \(grace) s)")
        case .podDeleted(let pod, let forced):
            emit("apiserver", "pod \(pod.name) \(forced ? "force-deleted (grace 0)" : "deleted") from \(pod.node)", .magenta)
        case .attachmentDeleted(let pv, let node):
            emit("apiserver", "VolumeAttachment of \(pv) to \(node) deleted (the volume may attach elsewhere)")
        case .decision(let record):
            let subject = record.rule == .driverPodDown ? "node \(record.nodeName) (driver pod \(record.pod.name))"
                : record.pod.name.isEmpty ? "node \(record.nodeName)" : record.pod.name
            emit("decision", "\(subject): rule \(Self.ruleName(record.rule)) → \(Self.outcomeName(record.outcome))", .magenta)
        case .fencePhase(let record, let transition):
            emit("fencing", "\(record.pod.name): \(Self.phaseText(transition, record: record))", transition.phase == .aborted ? .red : .magenta)
        case .cleanup(let report):
            let pods = report.pods.map { "\($0.pod.name)=\($0.outcome)" }.joined(separator: ", ")
            let result = report.taintRemoved
                ? "taints removed: \(report.taintsRemoved.map { $0.key }.joined(separator: ", "))"
                : "taint kept: \(report.taintKeptReason)"
            emit("cleanup", "node-cleanup on \(report.nodeName), attempt \(report.attempt): pods [\(pods)]; \(result)", report.taintRemoved ? .green : .yellow)
        }
    }

    static func ruleName(_ rule: Podguard_V1_DecisionRecord.Rule) -> String {
        switch rule {
        case .nodeUnreachableTaint: "NODE_UNREACHABLE_TAINT"
        case .podguardTaint: "PODGUARD_TAINT"
        case .driverOfflineTaint: "DRIVER_OFFLINE_TAINT"
        case .arrayConnectivityLoss: "ARRAY_CONNECTIVITY_LOSS"
        case .crashLoopBackOff: "CRASH_LOOP_BACK_OFF"
        case .driverPodDown: "DRIVER_POD_DOWN"
        default: "\(rule)"
        }
    }

    static func outcomeName(_ outcome: Podguard_V1_DecisionRecord.Outcome) -> String {
        switch outcome {
        case .fenceRequested: "FenceRequest published"
        case .taintRequested: "NodeTaintRequest published"
        case .withheldStormLimit: "withheld (storm limit)"
        case .withheldDryRun: "withheld (dry run)"
        case .refused: "refused"
        default: "\(outcome)"
        }
    }

    static func phaseText(_ transition: Podguard_V1_FencePhaseTransition, record: Podguard_V1_FenceRecord) -> String {
        switch transition.phase {
        case .requested: return "REQUESTED — FenceRecord created, FenceRequest on the work queue"
        case .validated: return "VALIDATED — the arrays say \(record.nodeName) is not connected and no I/O is in progress"
        case .fenced: return "FENCED — ControllerUnpublishVolume done for \(record.volumes.count) volume(s): the array refuses \(record.nodeName)"
        case .tainted:
            let taints = record.taintsApplied.map { taint in
                let effect = "\(taint.effect)"
                return "\(taint.key):\(effect.prefix(1).uppercased())\(effect.dropFirst())"
            }
            return "TAINTED — \(record.nodeName) tainted \(taints.isEmpty ? "(already there)" : taints.joined(separator: ", "))"
        case .attachmentsDeleted: return "ATTACHMENTS_DELETED — pod gone, its VolumeAttachments to \(record.nodeName) deleted"
        case .eventRecorded: return "EVENT_RECORDED — Warning Event on the pod (podmon's text)"
        case .podDeleted: return "POD_DELETED — force-deleted (grace 0, uid precondition), volumes unpublished once more: the fence holds"
        case .aborted: return "ABORTED — \(record.abortReason): \(record.abortMessage)"
        default: return "\(transition.phase)"
        }
    }

    // MARK: Summary

    func summary(stack: PodguardStack, timeline: FailoverTimeline, target: String, old: [DeployedPod],
                         moved: [String: DeployedPod], failClock: ContinuousClock.Instant, returnClock: ContinuousClock.Instant) {
        let c = console
        c.line()
        c.line(c.paint("Summary", .bold) + c.paint(" — seconds after the Kubernetes trigger (\(target) Ready → Unknown or its unreachable taint, whichever a watch showed first)", .dim))
        let phases = old.map { timeline.phases(of: PodReference(namespace: $0.namespace, name: $0.name, uid: $0.uid, node: $0.node), since: failClock) }
        let header = ["pod", "moved to", "decision", "validated", "fenced", "tainted", "force-deleted", "VA deleted", "Running again"]
        var rows: [[String]] = []
        for phase in phases {
            rows.append([
                phase.pod.name, phase.replacementNode ?? moved[phase.pod.name]?.node ?? "?",
                Seconds.text(phase.sinceTrigger(phase.decision)),
                Seconds.text(phase.sinceTrigger(phase.phases[.validated])),
                Seconds.text(phase.sinceTrigger(phase.phases[.fenced])),
                Seconds.text(phase.sinceTrigger(phase.phases[.tainted])),
                Seconds.text(phase.sinceTrigger(phase.deleted)),
                Seconds.text(phase.sinceTrigger(phase.phases[.attachmentsDeleted])),
                Seconds.text(phase.sinceTrigger(phase.replacement)),
            ])
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func render(_ row: [String]) -> String {
            "  " + row.enumerated().map { index, cell in
                index == 0 ? cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
                           : String(repeating: " ", count: widths[index] - cell.count) + cell
            }.joined(separator: "  ")
        }
        c.line(c.paint(render(header), .bold))
        rows.forEach { c.line(render($0)) }

        let trigger = timeline.first(since: failClock) { $0.isNodeFailureTrigger(on: target) }
        let zeroDate = zero.withLock { $0 } ?? Date()
        let detection = trigger.map { $0.at.timeIntervalSince(zeroDate) }
        let deletes = phases.compactMap { $0.sinceTrigger($0.deleted) }
        let runs = phases.compactMap { $0.sinceTrigger($0.replacement) }
        c.line()
        c.line("  fault → trigger (the node controller's grace period, not podguard): \(Seconds.text(detection))")
        if let worst = deletes.max() {
            c.line("  trigger → every pod force-deleted (podguard's reaction): \(Seconds.text(worst)) for \(deletes.count) pod(s)")
        }
        if let worst = runs.max(), let detection {
            c.line("  trigger → every replacement Running (incl. the StatefulSet controller, scheduler, attach): \(Seconds.text(worst)); fault → all Running \(Seconds.text(detection + worst))")
        }
        // The node's return.
        let ready = timeline.first(since: returnClock) {
            if case .nodeReady(let node, let status, _) = $0 { return node == target && status == "True" }
            return false
        }
        let unreachableGone = timeline.first(since: returnClock) {
            if case .taintRemoved(let node, let key, _) = $0 { return node == target && key == "node.kubernetes.io/unreachable" }
            return false
        }
        let untainted = timeline.events.filter { event in
            guard event.observed >= returnClock, case .taintRemoved(let node, let key, _) = event.kind else { return false }
            return node == target && key.hasSuffix(".podmon.storage.dell.com")
        }.last
        if let ready {
            let base = ready.at
            c.line("  node back: Ready again → unreachable taint gone \(Seconds.text(unreachableGone.map { $0.at.timeIntervalSince(base) })) → podguard taints removed by node-cleanup \(Seconds.text(untainted.map { $0.at.timeIntervalSince(base) })) (includes cleanup.stabilityWindow \(stack.configuration.cleanupStabilityWindow))")
        }
        c.line(c.paint("  decision/fencing times are the services' own stamps; trigger, force-delete and Running are when this process's watches saw them", .dim))
        c.line(c.paint("  (a decision can precede the trigger: the watcher's watch may deliver before this one, and with interface-down the array-prober's", .dim))
        c.line(c.paint("  loss verdict taints the node before Kubernetes notices; the simulated arrays add no latency here)", .dim))
    }
}
