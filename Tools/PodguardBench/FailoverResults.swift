import ArgumentParser
import ArrayFamily
import Contracts
import CSISimulator
import Foundation
import Harness
import Kube
import Logging
import NodeSimulator
import PodguardStack

enum BenchClock {
    static let start = ContinuousClock.now
}

struct ReactionSample {
    var phases: PodFailoverPhases

    /// Trigger observed → pod deletion observed, both through this process's watches.
    var reaction: Duration? {
        guard let trigger = phases.trigger, let deleted = phases.deleted else { return nil }
        return deleted.observed - trigger.observed
    }

    func since(_ event: FailoverEvent?) -> Duration? {
        guard let trigger = phases.trigger, let event else { return nil }
        return event.observed - trigger.observed
    }

    /// Wall-clock seconds from the trigger's observation to a producer-stamped event.
    func stampedSince(_ event: FailoverEvent?) -> Double? { phases.sinceTrigger(event) }
}

struct CleanupSample {
    var node: String
    var readyToUntainted: Duration
    var readyToUnreachableGone: Duration?
    var movedPods = 0
}

/// One storm run: the same failure under one not-Ready evidence.
struct StormFigures {
    var evidence: String
    var pods = 0
    var volumes = 0
    var placement: [String: Int] = [:]
    var deploy: Duration?
    var triggerSpread: Duration?
    var deleted = 0
    var forced = 0
    var allDeleted: Duration?
    var replaced = 0
    var allRunning: Duration?
    var withheld = 0
    var allNotReady: Duration?
    var notReadyToDeleted: [Duration] = []
    var triggerToDeleted: [Duration] = []
    var lastNotReadyToAllDeleted: Duration?
    var cleanup: [CleanupSample] = []
    var violations: [String] = []

    var label: String { evidence == "pod" ? "podmon's rule, notReadyEvidence=pod" : "podguard, notReadyEvidence=node" }
}

struct FailoverResults {
    var reaction: [ReactionSample] = []
    var cleanup: [CleanupSample] = []
    var reactionViolations: [String] = []
    var storms: [StormFigures] = []

    func table(_ options: FailoverBenchmark) -> FigureTable {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        var table = FigureTable(title: "podguard failover benchmark (\(cores) cores, loopback; simulated arrays add \(options.csiLatencyMs) ms to every CSI call)")
        func seconds(_ duration: Duration?) -> String { duration.map { String(format: "%.3f s", Format.seconds($0)) } ?? "–" }
        func median(_ values: [Duration]) -> Duration? { values.isEmpty ? nil : Percentile.of(values.sorted(), 0.5) }

        if !options.skipReaction {
            let samples = reaction.compactMap(\.reaction).sorted()
            let p50 = samples.isEmpty ? nil : Percentile.of(samples, 0.50)
            let p99 = samples.isEmpty ? nil : Percentile.of(samples, 0.99)
            table.add("reaction p50 (trigger seen → pod force-deleted seen)", value: seconds(p50), target: "≤ 200 ms", met: p50.map { $0 <= .milliseconds(200) })
            table.add("reaction p99", value: seconds(p99), target: "≤ 1 s", met: p99.map { $0 <= .seconds(1) })
            table.add("  samples (pods × node failures)", value: "\(samples.count) (\(options.podsPerRound) × \(options.rounds))")
            table.add("  max", value: seconds(samples.last))
            table.add("  median trigger → pod not Ready (node controller)", value: seconds(median(reaction.compactMap { $0.since($0.phases.notReady) })))
            table.add("  median trigger → decision's FenceRequest", value: seconds(median(reaction.compactMap { $0.since($0.phases.decision) })))
            table.add("  median trigger → FENCED (unpublished)", value: seconds(median(reaction.compactMap { $0.since($0.phases.phases[.fenced]) })))
            table.add("  median trigger → replacement Running", value: seconds(median(reaction.compactMap { $0.since($0.phases.replacement) })))
            let cleanups = cleanup.map(\.readyToUntainted).sorted()
            let worst = cleanups.last
            table.add("cleanup (node Ready again → podguard taint removed), max", value: seconds(worst), target: "≤ 30 s",
                      met: worst.map { $0 <= .seconds(30) })
            table.add("  samples / median", value: "\(cleanups.count) / \(seconds(median(cleanups)))")
            table.add("  median Ready → unreachable taint gone (node controller)", value: seconds(median(cleanup.compactMap(\.readyToUnreachableGone))))
            table.add("  invariant violations", value: "\(reactionViolations.count)")
        }
        for storm in storms {
            let placement = storm.placement.sorted { $0.key < $1.key }.map { "\($0.value)" }.joined(separator: "+")
            let full = storm.deleted == storm.pods && storm.pods > 0
            table.add("storm (\(storm.label)): \(storm.placement.count) of \(options.stormNodes) nodes fail, \(storm.pods) pods → all force-deleted",
                      value: full ? seconds(storm.allDeleted) : "\(storm.deleted)/\(storm.pods) in \(seconds(storm.allDeleted))",
                      target: storm.pods == 300 ? "≤ 5 s" : "≤ 5 s (for 300)", met: full ? storm.allDeleted.map { $0 <= .seconds(5) } : false)
            table.add("  pods per failed node / volumes per pod", value: "\(placement) / \(storm.volumes)")
            table.add("  force-deleted (grace 0) / deleted", value: "\(storm.forced) / \(storm.deleted)")
            table.add("  → all replacements Running", value: storm.replaced == storm.pods ? seconds(storm.allRunning) : "\(storm.replaced)/\(storm.pods) in \(seconds(storm.allRunning))")
            table.add("  spread of the \(storm.placement.count) triggers", value: seconds(storm.triggerSpread))
            table.add("  first trigger → last pod marked not Ready (node controller)", value: seconds(storm.allNotReady))
            table.add("  last pod not Ready → all force-deleted", value: seconds(storm.lastNotReadyToAllDeleted))
            for (name, values) in [("its node's trigger seen", storm.triggerToDeleted), ("marked not Ready", storm.notReadyToDeleted)] {
                table.add("  per pod, \(name) → force-deleted: p50 / p99 / max (n)",
                          value: values.isEmpty ? "–" : "\(seconds(Percentile.of(values, 0.5))) / \(seconds(Percentile.of(values, 0.99))) / \(seconds(values.last)) (\(values.count))")
            }
            table.add("  DecisionRecords withheld by the storm limit", value: "\(storm.withheld)")
            for sample in storm.cleanup {
                table.add("  cleanup \(sample.node) (\(sample.movedPods) moved pods)", value: seconds(sample.readyToUntainted), target: "≤ 30 s",
                          met: sample.readyToUntainted <= .seconds(30))
            }
            table.add("  deploying the storm's pods (not a podguard figure)", value: seconds(storm.deploy))
            table.add("  invariant violations", value: "\(storm.violations.count)")
        }
        return table
    }

    func notes(_ options: FailoverBenchmark) -> String {
        var lines = [
            "How measured: every clock is this process's monotonic clock at the moment its own watches (on the apiserver) delivered the event.",
            "  reaction: starts when the failed node's trigger is first seen (its Ready condition leaving True, or the node.kubernetes.io/unreachable",
            "    taint, whichever the node watch delivers first), stops when the pod's DELETED event arrives (pod watch);",
            "    it includes the node controller marking the pod not Ready, watcher → bus → decision → fencing (validate, ControllerUnpublish per",
            "    volume, taint, VolumeAttachment delete, Event, delete), and both watch deliveries. Excluded: the node controller's grace period",
            "    before it taints the node (fault → trigger, 8 s here). p99 is nearest-rank: with fewer than 100 samples it is the maximum.",
            "  storm: starts at the first of the failed nodes' triggers (as above), stops at the last old pod's DELETED / last replacement Running.",
            "  cleanup: starts when the returning node's Ready=True is seen, stops when its last podguard taint is seen removed; it includes",
            "    node-cleanup's cleanup.stabilityWindow (3 s in this stack) and the node controller removing the unreachable taint.",
            "  Figures include the simulators' own cost: \(options.csiLatencyMs) ms per CSI call on the simulated arrays, simulated kubelets in this",
            "    process, and every service, nats-server, etcd and the apiserver sharing \(ProcessInfo.processInfo.activeProcessorCount) cores. Services run as debug or release as built beside this binary.",
        ]
        lines.append("  fencing: one replica, fencing.concurrency \(options.fencingConcurrency.map(String.init) ?? "(service default)"), kube.qps \(options.fencingKubeQps.map { "\($0), burst \(2 * $0)" } ?? "(service default)").")
        lines.append("  storm rules: 'node' treats a pod on a silent node (Ready Unknown + node.kubernetes.io/unreachable) as not Ready at once and")
        lines.append("    fences it on the array's proof; 'pod' (podmon's) waits for the node controller to mark each pod, one API call per pod.")
        for violation in reactionViolations + storms.flatMap(\.violations) { lines.append("  invariant: \(violation)") }
        return lines.joined(separator: "\n")
    }
}
