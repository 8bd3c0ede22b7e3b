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

/// The failover figures: reaction time (trigger visible in the apiserver → pod force-deleted), a
/// storm (several nodes fail at once under many protected pods) and node cleanup (node Ready again
/// → podguard taint removed). Runs the whole stack of the end-to-end tests — a real nats-server,
/// the real control plane, simulated nodes and arrays, every podguard service as its own process
/// from this build — and observes it from outside through watches (``FailoverTimeline``).
struct FailoverBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "failover",
        abstract: "Failover reaction time, a multi-node storm and node cleanup time, on the full local stack."
    )

    @Option(help: "Reaction runs: node failures one after the other (each on another node).")
    var rounds: Int = 3

    @Option(help: "Protected pods on the failing node in each reaction run (one volume each).")
    var podsPerRound: Int = 8

    @Option(help: "Nodes of the reaction stack.")
    var reactionNodes: Int = 4

    @Option(help: "Nodes of the storm stack.")
    var stormNodes: Int = 9

    @Option(help: "Nodes that fail at once in the storm.")
    var stormFailed: Int = 3

    @Option(help: "Protected pods on each failing node in the storm.")
    var stormPodsPerNode: Int = 100

    @Option(help: "Array families of the storm's pods: one volume per family, so two families = two volumes per pod.")
    var stormFamilies: [String] = ["powerflex", "powerstore"]

    @Option(help: "Not-Ready evidence of the storm runs, in order: 'node' (podguard's default: a silent node's pods count as not Ready) and/or 'pod' (podmon's rule: wait for each pod's own condition). Each runs on a fresh stack.")
    var stormEvidence: [String] = ["node", "pod"]

    @Option(help: "Latency the simulated arrays add to every CSI call (ms), in both parts.")
    var csiLatencyMs: Int = 50

    @Option(help: "fencing.concurrency of the fencing replica (requests worked on at once); default: the service's default.")
    var fencingConcurrency: Int?

    @Option(help: "kube.qps of the fencing replica (burst twice that); default: the service's default.")
    var fencingKubeQps: Int?

    @Option(help: "Give up waiting for a phase after this many seconds.")
    var timeout: Int = 900

    @Flag(help: "Skip the reaction and cleanup runs.")
    var skipReaction = false

    @Flag(help: "Skip the storm.")
    var skipStorm = false

    @OptionGroup var kube: KubeVersionOption

    func run() async throws {
        kube.select()
        BenchLogging.errorsOnly()
        defer { KubeControlPlane.stopShared() }
        var results = FailoverResults()
        if !skipReaction { try await measureReaction(into: &results) }
        if !skipStorm {
            for evidence in stormEvidence {
                guard evidence == "node" || evidence == "pod" else { throw ValidationError("--storm-evidence: expected node or pod, not \(evidence)") }
                results.storms.append(try await measureStorm(evidence: evidence))
            }
        }
        FileHandle.standardOutput.write(Data((results.table(self).render() + "\n" + results.notes(self) + "\n").utf8))
    }

    private func progress(_ text: String) {
        let stamp = String(format: "%7.1f s", Format.seconds(ContinuousClock.now - BenchClock.start))
        // Unbuffered: a pipe sees progress as it happens.
        FileHandle.standardOutput.write(Data("[failover \(stamp)] \(text)\n".utf8))
    }

    private func stackConfiguration(nodes: Int, families: [ArrayFamilyID], prefix: String,
                                    evidence: String = "node") -> PodguardStackConfiguration {
        var configuration = PodguardStackConfiguration(nodes: nodes, families: families, namePrefix: prefix)
        configuration.extraFlags[.decision] = ["--policy.notReadyEvidence", evidence]
        var fencingFlags: [String] = []
        if let fencingConcurrency { fencingFlags += ["--fencing.concurrency", "\(fencingConcurrency)"] }
        if let fencingKubeQps { fencingFlags += ["--kube.qps", "\(fencingKubeQps)", "--kube.burst", "\(2 * fencingKubeQps)"] }
        if !fencingFlags.isEmpty { configuration.extraFlags[.fencing] = fencingFlags }
        return configuration
    }

    private func setLatency(_ stack: PodguardStack) {
        guard csiLatencyMs > 0 else { return }
        for backend in stack.cluster.backends.values {
            backend.array.inject(.latency(method: nil, delay: .milliseconds(csiLatencyMs)))
        }
    }

    /// Keeps new pods off every node but `targets` (a NoSchedule taint of the benchmark's own), so
    /// the protected pods land on the nodes that will fail; ``release`` lets them take
    /// replacements again.
    private static let holdKey = "bench.podguard.io/hold"

    private func hold(_ stack: PodguardStack, except targets: Set<String>) async throws {
        for node in stack.nodeNames where !targets.contains(node) {
            _ = try await stack.kube.addTaint(Taint(key: Self.holdKey, effect: "NoSchedule"), toNode: node)
        }
    }

    private func release(_ stack: PodguardStack) async throws {
        for node in stack.nodeNames {
            _ = try await stack.kube.removeTaint(key: Self.holdKey, effect: "NoSchedule", fromNode: node)
        }
    }

    // MARK: Reaction and cleanup

    private func measureReaction(into results: inout FailoverResults) async throws {
        progress("reaction: starting the stack (\(reactionNodes) nodes, powerflex; control plane, nats-server, every service)")
        let stack = try await PodguardStack.start(stackConfiguration(nodes: reactionNodes, families: [.powerflex], prefix: "bfr"))
        do {
            setLatency(stack)
            let timeline = stack.makeTimeline()
            try await timeline.start()
            for round in 0..<rounds {
                let target = stack.nodeNames[round % stack.nodeNames.count]
                let namespace = try await stack.makeNamespace("react\(round)")
                try await hold(stack, except: [target])
                let workload = ProtectedWorkload(name: "r\(round)", replicas: podsPerRound, families: [.powerflex])
                progress("reaction run \(round + 1)/\(rounds): \(podsPerRound) protected pods on \(target)")
                let old = try await stack.deploy(workload, namespace: namespace, timeout: .seconds(timeout))
                try await release(stack)
                let placed = old.filter { $0.node == target }
                let failClock = ContinuousClock.now
                try await stack.cluster.inject(.interfaceDown, on: target)
                progress("reaction run \(round + 1)/\(rounds): \(target) interface down; waiting for \(placed.count) replacements")
                _ = try await stack.waitForPods(workload, namespace: namespace, replacing: old, timeout: .seconds(timeout))
                for pod in placed {
                    let phases = timeline.phases(of: PodReference(namespace: pod.namespace, name: pod.name, uid: pod.uid, node: pod.node),
                                                 since: failClock)
                    results.reaction.append(ReactionSample(phases: phases))
                }
                let returnClock = ContinuousClock.now
                try await stack.cluster.recover(.interfaceDown, on: target)
                progress("reaction run \(round + 1)/\(rounds): \(target) back; waiting for node-cleanup to remove the podguard taint")
                try await stack.waitUntilNodeClean(target, timeout: .seconds(timeout))
                if let sample = cleanupSample(timeline, node: target, since: returnClock) { results.cleanup.append(sample) }
                await stack.deleteNamespacesMade()
            }
            results.reactionViolations = await stack.auditor.violations()
            timeline.stop()
            await stack.stop()
        } catch {
            await stack.stop()
            throw error
        }
    }

    /// Node Ready again (watch) → its last podguard taint removed (watch).
    private func cleanupSample(_ timeline: FailoverTimeline, node: String, since: ContinuousClock.Instant) -> CleanupSample? {
        guard let ready = timeline.first(since: since, where: {
            if case .nodeReady(let name, let status, _) = $0 { return name == node && status == "True" }
            return false
        }) else { return nil }
        let untainted = timeline.events.filter { event in
            guard event.observed >= since, case .taintRemoved(let name, let key, _) = event.kind else { return false }
            return name == node && key.hasSuffix(".podmon.storage.dell.com")
        }.last
        let unreachableGone = timeline.first(since: since, where: {
            if case .taintRemoved(let name, let key, _) = $0 { return name == node && key == "node.kubernetes.io/unreachable" }
            return false
        })
        guard let untainted else { return nil }
        return CleanupSample(node: node, readyToUntainted: untainted.observed - ready.observed,
                             readyToUnreachableGone: unreachableGone.map { $0.observed - ready.observed })
    }

    // MARK: Storm

    private func measureStorm(evidence: String) async throws -> StormFigures {
        var results = StormFigures(evidence: evidence)
        let families = try stormFamilies.map { name -> ArrayFamilyID in
            guard let id = ArrayFamilyID(rawValue: name) else { throw ValidationError("unknown family \(name)") }
            return id
        }
        let total = stormFailed * stormPodsPerNode
        let timeout = self.timeout
        progress("storm (\(results.label)): starting the stack (\(stormNodes) nodes, \(families.map(\.rawValue).joined(separator: "+")))")
        let stack = try await PodguardStack.start(stackConfiguration(nodes: stormNodes, families: families, prefix: "bfs", evidence: evidence))
        do {
            setLatency(stack)
            let timeline = stack.makeTimeline()
            try await timeline.start()
            let targets = Array(stack.nodeNames.prefix(stormFailed))
            try await hold(stack, except: Set(targets))
            let namespace = try await stack.makeNamespace("storm")
            // StatefulSets of 10 (the scheduler spreads each over the failing nodes).
            let perSet = 10
            let workloads = stride(from: 0, to: total, by: perSet).enumerated().map { index, start in
                ProtectedWorkload(name: "s\(index)", replicas: min(perSet, total - start), families: families)
            }
            progress("storm: deploying \(total) protected pods (\(families.count) volume(s) each) on \(targets.joined(separator: ", "))")
            let deployStart = ContinuousClock.now
            var old: [DeployedPod] = []
            try await withThrowingTaskGroup(of: [DeployedPod].self) { group in
                var pending = workloads[...]
                let parallel = 4
                for _ in 0..<parallel {
                    guard let workload = pending.popFirst() else { break }
                    group.addTask { try await stack.deploy(workload, namespace: namespace, timeout: .seconds(timeout)) }
                }
                for try await pods in group {
                    old += pods
                    if old.count % 50 == 0 || old.count == total { progress("storm: \(old.count)/\(total) pods Running") }
                    if let workload = pending.popFirst() {
                        group.addTask { try await stack.deploy(workload, namespace: namespace, timeout: .seconds(timeout)) }
                    }
                }
            }
            results.deploy = ContinuousClock.now - deployStart
            try await release(stack)
            let onTargets = old.filter { targets.contains($0.node) }
            results.placement = Dictionary(grouping: onTargets, by: \.node).mapValues(\.count)
            results.pods = onTargets.count
            results.volumes = families.count

            progress("storm: \(targets.joined(separator: ", ")) interface down at once")
            let failClock = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for node in targets { group.addTask { try await stack.cluster.inject(.interfaceDown, on: node) } }
                try await group.waitForAll()
            }
            let uids = Set(onTargets.map(\.uid))
            let names = Set(onTargets.map { "\($0.namespace)/\($0.name)" })
            let deadline = ContinuousClock.now + .seconds(timeout)
            var lastReport = ContinuousClock.now
            while ContinuousClock.now < deadline {
                let events = timeline.events.filter { $0.observed >= failClock }
                let deleted = events.filter { if case .podDeleted(let pod, _) = $0.kind { return uids.contains(pod.uid) }; return false }
                let running = Set(events.compactMap { event -> String? in
                    if case .podRunning(let pod) = event.kind, names.contains(pod.key), !uids.contains(pod.uid) { return pod.key }
                    return nil
                })
                if ContinuousClock.now - lastReport > .seconds(10) {
                    progress("storm: \(deleted.count)/\(uids.count) force-deleted, \(running.count)/\(names.count) replacements Running")
                    lastReport = ContinuousClock.now
                }
                if running.count == names.count && deleted.count >= uids.count { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            let events = timeline.events.filter { $0.observed >= failClock }
            let triggers = targets.compactMap { node in
                events.first { $0.kind.isNodeFailureTrigger(on: node) }
            }
            let deletions = events.filter { if case .podDeleted(let pod, _) = $0.kind { return uids.contains(pod.uid) }; return false }
            var replacements: [String: FailoverEvent] = [:]
            for event in events {
                if case .podRunning(let pod) = event.kind, names.contains(pod.key), !uids.contains(pod.uid), replacements[pod.key] == nil {
                    replacements[pod.key] = event
                }
            }
            if let first = triggers.map(\.observed).min() {
                results.triggerSpread = (triggers.map(\.observed).max() ?? first) - first
                results.deleted = deletions.count
                results.forced = deletions.filter { if case .podDeleted(_, true) = $0.kind { return true }; return false }.count
                results.allDeleted = deletions.map(\.observed).max().map { $0 - first }
                results.replaced = replacements.count
                results.allRunning = replacements.values.map(\.observed).max().map { $0 - first }
                // Per pod, its own node's trigger → its deletion: the storm's reaction times.
                let triggerOf = Dictionary(zip(targets, targets.map { node in events.first { $0.kind.isNodeFailureTrigger(on: node) }?.observed }),
                                           uniquingKeysWith: { first, _ in first })
                let nodeOf = Dictionary(onTargets.map { ($0.uid, $0.node) }, uniquingKeysWith: { first, _ in first })
                results.triggerToDeleted = deletions.compactMap { event -> Duration? in
                    guard case .podDeleted(let pod, _) = event.kind, let node = nodeOf[pod.uid], let trigger = triggerOf[node] ?? nil else { return nil }
                    return event.observed - trigger
                }.sorted()
                // With podmon's rule podguard acts on a pod only once the node controller marked it
                // not Ready, one pod at a time at its own API rate.
                var notReadyAt: [String: ContinuousClock.Instant] = [:]
                for event in events {
                    if case .podNotReady(let pod) = event.kind, uids.contains(pod.uid), notReadyAt[pod.uid] == nil { notReadyAt[pod.uid] = event.observed }
                }
                let lastNotReady = notReadyAt.values.max()
                results.allNotReady = lastNotReady.map { $0 - first }
                results.notReadyToDeleted = deletions.compactMap { event -> Duration? in
                    guard case .podDeleted(let pod, _) = event.kind, let notReady = notReadyAt[pod.uid] else { return nil }
                    return event.observed - notReady
                }.sorted()
                if let lastNotReady, let lastDeleted = deletions.map(\.observed).max() { results.lastNotReadyToAllDeleted = lastDeleted - lastNotReady }
                results.withheld = events.filter {
                    if case .decision(let record) = $0.kind { return record.outcome == .withheldStormLimit }
                    return false
                }.count
            }

            // The failed nodes return: cleanup of 100 moved pods each.
            progress("storm: the failed nodes return; waiting for node-cleanup")
            let returnClock = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for node in targets { group.addTask { try await stack.cluster.recover(.interfaceDown, on: node) } }
                try await group.waitForAll()
            }
            for node in targets { try await stack.waitUntilNodeClean(node, timeout: .seconds(timeout)) }
            for node in targets {
                if var sample = cleanupSample(timeline, node: node, since: returnClock) {
                    sample.movedPods = onTargets.filter { $0.node == node }.count
                    results.cleanup.append(sample)
                }
            }
            results.violations = await stack.auditor.violations()
            timeline.stop()
            await stack.stop()
            return results
        } catch {
            await stack.stop()
            throw error
        }
    }
}
