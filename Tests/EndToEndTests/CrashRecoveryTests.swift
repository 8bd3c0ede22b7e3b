import ArrayFamily
import Contracts
import CSISimulator
import Foundation
import Kube
import NodeSimulator
import PodguardStack
import Testing

extension EndToEndTests {
    /// The phases at which the services are killed, one pod each.
    static let killPhases: [Podguard_V1_FencePhase] = [
        .requested, .validated, .fenced, .tainted, .eventRecorded, .attachmentsDeleted, .podDeleted,
    ]

    /// (k) Every service SIGKILLed at every phase of a remediation, and restarted: no remediation
    /// lost, none repeated. One node loses its paths to the PowerStore arrays (it gets tainted);
    /// seven pods there are made not Ready one at a time; when pod k's FenceRecord reaches phase k
    /// (or later: phases are quick), watcher, array-prober, decision, fencing, the PowerStore
    /// controller adapter, and the node's PowerStore node adapter and node-cleanup are all killed
    /// with SIGKILL and started again. During the node cleanup that follows, node-cleanup and the
    /// node adapter are killed once more. Every pod must move exactly once and be recorded cleaned.
    @Test func everyServiceKilledAtEveryPhaseLosesAndRepeatsNothing() async throws {
        let stack = try await Self.mainStack()
        try await stack.scenario("SIGKILL at every phase") {
            let namespace = try await stack.makeNamespace("crash")
            let target = stack.nodeNames[2]
            let family = ArrayFamilyID.powerstore
            let victims: [ServiceProcess] = [
                stack.processes(.watcher)[0], stack.processes(.arrayProber)[0], stack.processes(.decision)[0],
                stack.processes(.fencing)[0], stack.process(.controllerAdapter, family.rawValue),
                stack.process(.nodeAdapter, "\(family.rawValue)@\(target)"), stack.process(.nodeCleanup, target),
            ]
            let workloads = Self.killPhases.indices.map { ProtectedWorkload(name: "k\($0)", families: [family], preferredNode: target) }
            var old: [DeployedPod] = []
            for workload in workloads { old.append(try await stack.deploy(workload, namespace: namespace)[0]) }
            try require(old.allSatisfy { $0.node == target }, "pods started on \(old.map(\.node)), not \(target)")
            let since = Date()
            let taintKey = FamilyCatalog.family(family).podmonTaintKey

            stack.setArrayPaths(of: target, family: family, down: true)
            try await Wait.until("\(taintKey) on \(target)") { stack.auditor.taintKeysAdded(on: target, since: since).contains(taintKey) }

            var observed: [String] = []
            for (phase, pod) in zip(Self.killPhases, old) {
                try stack.cluster.setPodReady(pod.uid, on: target, ready: false)
                var seen = Podguard_V1_FencePhase.unspecified
                try await Wait.until("fence of \(pod.name) at \(phase) or later", timeout: .seconds(90), every: .milliseconds(5)) {
                    guard let last = stack.auditor.fenceRecords(podUID: pod.uid).last, last.phase != .aborted,
                          last.phase.progress >= phase.progress else { return false }
                    seen = last.phase
                    return true
                }
                for process in victims { process.kill() }
                observed.append("\(pod.name): wanted \(phase), killed at \(seen)")
                stack.auditor.log("e2e: every service SIGKILLed (\(pod.name) at \(seen)); restarting")
                for process in victims { try process.start() }
                try await stack.waitUntilReady(victims)
            }
            print("[e2e] kill points: \(observed.joined(separator: "; "))")

            var new: [DeployedPod] = []
            for (workload, pod) in zip(workloads, old) {
                new.append(try await stack.waitForPods(workload, namespace: namespace, replacing: [pod])[0])
            }
            try require(new.allSatisfy { $0.node != target }, "a replacement on \(target)")
            // A remediation killed after its delete was issued is finished (recorded) once its request
            // is redelivered to the restarted fencing.
            try await Wait.until("every remediation recorded finished") {
                old.allSatisfy { stack.auditor.fenceRecords(podUID: $0.uid).last?.phase == .podDeleted }
            }
            for pod in old {
                let records = stack.auditor.fenceRecords(podUID: pod.uid)
                let deleted = Set(records.filter { $0.phase == .podDeleted }.map(\.fenceID))
                try require(deleted.count == 1, "\(pod.name): remediated \(deleted.count) times")
                try require(stack.auditor.forcedDeletions.filter { $0.uid == pod.uid }.count == 1, "\(pod.name) not force-deleted once")
            }

            // Node cleanup, with its services killed once while it runs.
            stack.setArrayPaths(of: target, family: family, down: false)
            let cleanupVictims = [stack.process(.nodeCleanup, target), stack.process(.nodeAdapter, "\(family.rawValue)@\(target)")]
            try await Task.sleep(for: .seconds(2))
            for process in cleanupVictims { process.kill() }
            stack.auditor.log("e2e: node-cleanup and node adapter of \(target) SIGKILLed during cleanup; restarting")
            for process in cleanupVictims { try process.start() }
            try await stack.waitUntilReady(cleanupVictims)
            try await stack.waitUntilNodeClean(target)
            try await Wait.until("node-cleanup recorded every moved pod cleaned") {
                old.allSatisfy { stack.auditor.fenceRecords(podUID: $0.uid).last?.nodeCleanup.cleaned == true }
            }
        }
    }
}
