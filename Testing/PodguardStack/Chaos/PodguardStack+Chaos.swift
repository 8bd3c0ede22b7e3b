import ArrayFamily
import Contracts
import CSISimulator
import Harness
import Foundation
import Kube
import NodeSimulator

/// The protected pods a chaos run works on: single-replica StatefulSets, each preferring a node,
/// so every third of the nodes holds pods when its turn comes.
public struct ChaosWorkloads: Sendable {
    public var namespace: String
    public var workloads: [ProtectedWorkload]
}

extension PodguardStack {
    /// `perNode` single-replica StatefulSets preferring each node, their families taken in turn.
    public func deployChaosWorkloads(perNode: Int, timeout: Duration = .seconds(240)) async throws -> ChaosWorkloads {
        let namespace = try await makeNamespace("chaos")
        var workloads: [ProtectedWorkload] = []
        for (index, node) in nodeNames.enumerated() {
            for ordinal in 0..<perNode {
                let family = configuration.families[(index * perNode + ordinal) % configuration.families.count]
                workloads.append(ProtectedWorkload(name: "c\(index)-\(ordinal)", families: [family], preferredNode: node))
            }
        }
        for workload in workloads { _ = try await deploy(workload, namespace: namespace, timeout: timeout) }
        return ChaosWorkloads(namespace: namespace, workloads: workloads)
    }

    /// The scope of schedules for this stack: its nodes, services, families and bus servers.
    public func chaosScope(disturbances: Set<ChaosDisturbanceKind>, perRun: ClosedRange<Int> = 1...3) -> ChaosScope {
        // API error bursts need the services behind the fault proxy.
        ChaosScope(nodes: nodeNames, services: processes.keys.sorted(), families: configuration.families,
                   busServers: natsCluster?.members.count ?? 1,
                   disturbances: apiFaults == nil ? disturbances.subtracting([.apiErrorBurst]) : disturbances, disturbancesPerRun: perRun)
    }

    /// Runs one schedule and says what came of it. Never throws: a failure of the run itself is one
    /// of its problems, and the stack is left for the next run as clean as it can be made.
    public func run(_ schedule: ChaosSchedule, on chaos: ChaosWorkloads, timeout: Duration = .seconds(240)) async -> ChaosRunResult {
        var result = ChaosRunResult(schedule: schedule)
        let started = ContinuousClock.now
        do {
            try await runChecked(schedule, on: chaos, timeout: timeout, into: &result)
        } catch {
            result.problems.append("\(error)")
            // What the run could not finish: its nodes back, its services running.
            for step in schedule.nodeFaults {
                if (try? cluster.isPoweredOn(step.node)) == false {
                    try? await cluster.setPower(on: true, node: step.node)
                } else {
                    try? await cluster.recover(step.fault, on: step.node)
                }
            }
            for process in crashedProcesses() { try? process.start() }
        }
        result.elapsed = ContinuousClock.now - started
        return result
    }

    private func runChecked(_ schedule: ChaosSchedule, on chaos: ChaosWorkloads, timeout: Duration,
                            into result: inout ChaosRunResult) async throws {
        auditor.log("chaos: \(schedule)")
        let violationsBefore = Set(await auditor.violations())
        let failing = Set(schedule.nodeFaults.map(\.node))
        let moving = Set(schedule.nodeFaults.filter(\.movesPods).map(\.node))
        // Where every protected pod is now.
        var before: [String: DeployedPod] = [:]
        for workload in chaos.workloads {
            before[workload.name] = try await waitForPods(workload, namespace: chaos.namespace, timeout: timeout)[0]
        }
        let movers = before.filter { moving.contains($0.value.node) }
        let sitters = before.filter { failing.contains($0.value.node) && !moving.contains($0.value.node) }

        let faultedAt = ContinuousClock.now
        let faultedDate = Date()
        for step in schedule.nodeFaults { try await cluster.inject(step.fault, on: step.node) }
        result.faultsInjected = schedule.nodeFaults.count
        let disturbing = Task { await self.disturb(schedule.disturbances, from: faultedAt) }

        // Each pod that must move: force-deleted by podguard (else the remediation is lost), then
        // replaced elsewhere. A replacement may wait for its failed node's return: after a restart
        // of kube-apiserver the attach/detach controller can re-attach a fenced volume from its
        // stale cache, and podguard can only undo that (docs/chaos.md).
        var pending = Dictionary(uniqueKeysWithValues: movers.map { ($0.key, $0.value) })
        let deadline = ContinuousClock.now + timeout
        while !pending.isEmpty, ContinuousClock.now < deadline {
            for (name, old) in pending {
                guard try await replacementRuns(of: name, replacing: old, chaos: chaos, failing: failing, into: &result) else { continue }
                result.recoveries.append(ContinuousClock.now - faultedAt)
                pending[name] = nil
            }
            if pending.values.contains(where: { auditor.forcedDeletion(uid: $0.uid) == nil }) || ContinuousClock.now - faultedAt < replacementWait {
                if !pending.isEmpty { try await Task.sleep(for: .milliseconds(250)) }
            } else {
                break
            }
        }
        for (_, old) in pending where auditor.forcedDeletion(uid: old.uid) == nil {
            let fault = schedule.nodeFaults.first { $0.node == old.node }?.fault.rawValue ?? "?"
            result.lost.append("\(chaos.namespace)/\(old.name) on \(old.node) (\(fault)) never remediated: \(await lossDiagnosis(of: old))")
        }
        await disturbing.value
        result.faultsInjected += schedule.disturbances.count

        // The nodes come back; each must be cleaned.
        for step in schedule.nodeFaults {
            if try cluster.isPoweredOn(step.node) {
                try await cluster.recover(step.fault, on: step.node)
            } else {
                try await cluster.setPower(on: true, node: step.node)
            }
        }
        let recoveredAt = ContinuousClock.now
        var dirty = Set(failing)
        let cleanDeadline = ContinuousClock.now + timeout
        while !dirty.isEmpty, ContinuousClock.now < cleanDeadline {
            for node in dirty where (try? await isClean(node)) == true {
                if moving.contains(node) { result.cleanups.append(ContinuousClock.now - recoveredAt) }
                dirty.remove(node)
            }
            if !dirty.isEmpty { try await Task.sleep(for: .milliseconds(250)) }
        }
        for node in dirty.sorted() { result.problems.append("\(node) not clean \(timeout) after it came back: taints \((try? await taintKeys(of: node)) ?? [])") }
        for node in nodeNames where !failing.contains(node) {
            if (try? await isClean(node)) != true { result.problems.append("\(node), never failed, is not clean: taints \((try? await taintKeys(of: node)) ?? [])") }
        }
        // Replacements that waited for their node's return, then every protected pod Running again.
        for (name, old) in pending where auditor.forcedDeletion(uid: old.uid) != nil {
            while ContinuousClock.now < cleanDeadline {
                if try await replacementRuns(of: name, replacing: old, chaos: chaos, failing: failing, into: &result) {
                    result.recoveries.append(ContinuousClock.now - faultedAt)
                    result.replacementsAfterReturn += 1
                    break
                }
                try await Task.sleep(for: .milliseconds(250))
            }
        }
        for workload in chaos.workloads {
            do {
                _ = try await waitForPods(workload, namespace: chaos.namespace, timeout: timeout)
            } catch {
                result.problems.append("\(chaos.namespace)/\(workload.podName(0)) not Running and Ready \(timeout) after the run")
            }
        }

        // Exactly once: each pod force-deleted at most once, by one remediation. The auditor's
        // watch of the fences bucket may be catching up after a bus restart: wait for it a little.
        let remediated = before.filter { auditor.forcedDeletion(uid: $0.value.uid) != nil }
        try? await Wait.until("the auditor saw every remediation's record", timeout: .seconds(30)) {
            remediated.values.allSatisfy { pod in self.auditor.fenceRecords(podUID: pod.uid).contains { $0.phase == .podDeleted } }
        }
        result.remediations = remediated.count
        for (name, pod) in remediated {
            let deletions = auditor.forcedDeletions.filter { $0.uid == pod.uid }
            if let first = deletions.first, movers[name] != nil {
                result.evacuations.append(.milliseconds(Int((first.at.timeIntervalSince(faultedDate) * 1000).rounded())))
            }
            let fences = Set(auditor.fenceRecords(podUID: pod.uid).filter { $0.phase == .podDeleted }.map(\.fenceID))
            if deletions.count > 1 || fences.count > 1 {
                result.duplicates.append("\(pod.namespace)/\(pod.name) \(pod.uid): force-deleted \(deletions.count)×, \(fences.count) remediations")
            }
        }
        for (name, pod) in sitters where auditor.forcedDeletion(uid: pod.uid) != nil {
            // Only the auditor can say whether that was safe; record it for the report.
            auditor.log("chaos: \(name) on \(pod.node) (not expected to move) was remediated")
        }
        // A remediation may still be settling when the run ends (a zombie's pod is Ready again and
        // its last fence aborts once fencing reads the pod, after retries through API errors). The
        // auditor's "never finished" must mean stuck, not in flight: every record gets a minute to
        // reach a final phase first (the delay chaos found on the clustered bus was two minutes).
        try? await Wait.until("every remediation reached a final phase", timeout: unfinishedFenceGrace) {
            !self.auditor.latestFenceRecords.contains { !$0.phase.isTerminal }
        }
        let violationsAfter = await auditor.violations()
        result.violations = violationsAfter.filter { !violationsBefore.contains($0) }
        for process in crashedProcesses() {
            result.problems.append("\(process.id) exited by itself")
            try? process.start()
        }
    }

    /// How long replacements are waited for before the failed nodes come back.
    private var replacementWait: Duration { .seconds(90) }

    /// How long a remediation in flight at the run's end may take to finish before it counts as
    /// never finished.
    private var unfinishedFenceGrace: Duration { .seconds(60) }

    /// Whether the workload's pod is a replacement of `old`, Running and Ready (on a node that did
    /// not fail, else a problem).
    private func replacementRuns(of name: String, replacing old: DeployedPod, chaos: ChaosWorkloads, failing: Set<String>,
                                 into result: inout ChaosRunResult) async throws -> Bool {
        guard let workload = chaos.workloads.first(where: { $0.name == name }),
              let pod = try? await kube.getIfPresent(Pod.self, name: workload.podName(0), namespace: chaos.namespace),
              let uid = pod.uid, uid != old.uid, pod.isReady, pod.status?.phase == "Running",
              pod.metadata.deletionTimestamp == nil, let node = pod.nodeName else { return false }
        if failing.contains(node) {
            let clean = (try? await isClean(node)) == true
            if !(try cluster.isPoweredOn(node)) || !clean { result.problems.append("\(name) replaced on the failed node \(node) before it was back") }
        }
        return true
    }

    /// Ready, and none of the taints podguard or a node failure leaves.
    private func isClean(_ node: String) async throws -> Bool {
        let current = try await kube.get(Node.self, name: node)
        return current.readyCondition?.status == "True"
            && !current.taints.contains { InvariantAuditor.isPodguardTaint($0.key) || $0.key == InvariantAuditor.unreachableKey
                                          || $0.key == "node.kubernetes.io/out-of-service" || InvariantAuditor.isOfflineTaint($0.key) }
    }

    /// Applies each disturbance at its offset and undoes it (a killed service started again, a
    /// server back, a slow driver fast again) before returning. Disturbances of one target take
    /// turns: a server is not restarted again while it is still down.
    private func disturb(_ disturbances: [ChaosTimedDisturbance], from start: ContinuousClock.Instant) async {
        let byTarget = Dictionary(grouping: disturbances, by: \.disturbance.target)
        await withTaskGroup(of: Void.self) { group in
            for turns in byTarget.values {
                group.addTask {
                    for timed in turns.sorted(by: { $0.offset < $1.offset }) {
                        try? await Task.sleep(until: start + timed.offset)
                        self.auditor.log("chaos: \(timed.disturbance)")
                        do {
                            try await self.apply(timed.disturbance)
                        } catch {
                            self.auditor.log("chaos: \(timed.disturbance) failed: \(error)")
                        }
                    }
                }
            }
        }
    }

    private func apply(_ disturbance: ChaosDisturbance) async throws {
        switch disturbance {
        case .killService(let id, let restartAfter):
            let process = process(id)
            process.kill()
            try await Task.sleep(for: restartAfter)
            try process.start()
        case .restartBusServer(let member, let downtime):
            let server = natsCluster.map { $0.members[member % $0.members.count] } ?? nats
            try await server.restart(downtime: downtime)
        case .restartAPIServer(let downtime):
            try await plane.restart("kube-apiserver", downtime: downtime)
        case .slowCSI(let family, let method, let delay, let lasting):
            guard let array = cluster.backends[family]?.array else { return }
            array.inject(.latency(method: method, delay: delay))
            try? await Task.sleep(for: lasting)
            array.inject(.latency(method: method, delay: .zero))
        case .failingCSI(let family, let method, let calls):
            guard let array = cluster.backends[family]?.array else { return }
            array.inject(.pending(method: method, count: calls))
            // Failures nobody asked for by now are taken back: the next run starts without them.
            try? await Task.sleep(for: .seconds(15))
            array.inject(.pending(method: method, count: 0))
        case .apiErrorBurst(let status, let lasting):
            guard let apiFaults else { return }
            apiFaults.answer(status: status, for: lasting)
            try? await Task.sleep(for: lasting)
        }
    }
}
