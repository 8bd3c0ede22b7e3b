// Named to sort after the scenarios on the shared stack: this one stops it for a stack of its own.
import ArrayFamily
import Bus
import Contracts
import Foundation
import Harness
import NodeSimulator
import PodguardStack
import Testing

extension EndToEndTests {
    /// (ae) The bus is three nats-servers in a cluster, every stream and bucket with three replicas
    /// (issue "Installable", item 5). A node fails with five pods of two families on it; while their
    /// remediations are under way the nats-server leading the work queue is killed (SIGKILL) and
    /// started again 10 s later.
    /// Every pod is moved exactly once (one remediation reaching PodDeleted, one force delete),
    /// every replacement runs on another node, nothing is lost (the node is cleaned and every
    /// CleanupReport arrives), and the restarted server rejoins with the streams whole.
    @Test func aNATSServerOfThreeDiesMidFailover() async throws {
        var configuration = PodguardStackConfiguration(nodes: 3, families: [.powerstore, .unity])
        configuration.natsServers = 3
        configuration.decisionReplicas = 2
        configuration.fencingReplicas = 2
        try await SharedStacks.with(configuration) { stack in
            let cluster = try #require(stack.natsCluster)
            try await stack.scenario("a nats-server of three dies mid-failover") {
                let namespace = try await stack.makeNamespace("natsha")
                let target = stack.nodeNames[0]
                let workloads = (0..<5).map {
                    ProtectedWorkload(name: "ha\($0)", families: [$0 % 2 == 0 ? .powerstore : .unity], preferredNode: target)
                }
                var old: [DeployedPod] = []
                for workload in workloads { old += try await stack.deploy(workload, namespace: namespace) }
                try require(old.allSatisfy { $0.node == target }, "pods started on \(old.map(\.node)), not \(target)")

                try await stack.cluster.inject(.interfaceDown, on: target)
                try await stack.waitForARemediationUnderWay(old)
                // The member leading the work queue dies (it is the worst one to lose now; the print
                // says whether it led the fences bucket too).
                let js = try stack.bus.jetStream()
                let workLeader = try await js.streamInfo(stack.topology.workStream.name).cluster?.leader
                let fencesLeader = try await js.streamInfo("KV_\(stack.topology.fencesBucket.name)").cluster?.leader
                let victim = try #require(cluster.members.first { $0.serverName == workLeader }, "no leader of the work queue")
                print("[e2e] SIGKILL \(victim.serverName ?? "?") (leads PODGUARD_WORK; fences bucket led by \(fencesLeader ?? "?"))")
                stack.auditor.log("e2e: SIGKILL nats-server \(victim.url)")
                victim.kill()
                try await Task.sleep(for: .seconds(10))
                try await victim.start()
                stack.auditor.log("e2e: nats-server \(victim.url) back")

                for (workload, pod) in zip(workloads, old) {
                    let new = try await stack.waitForPods(workload, namespace: namespace, replacing: [pod], timeout: .seconds(180))[0]
                    try require(new.node != target, "\(workload.name) replaced on the failed node")
                }
                // The auditor's own watch of the fences bucket may have lived on the killed server:
                // nats.c recreates that ordered consumer only after missing its idle heartbeats.
                try await Wait.until("the auditor saw every pod's remediation", timeout: .seconds(60)) {
                    old.allSatisfy { pod in stack.auditor.fenceRecords(podUID: pod.uid).contains { $0.phase == .podDeleted } }
                }
                for pod in old {
                    let deleted = Set(stack.auditor.fenceRecords(podUID: pod.uid).filter { $0.phase == .podDeleted }.map(\.fenceID))
                    try require(deleted.count == 1, "\(pod.name): remediated \(deleted.count) times")
                    try require(stack.auditor.forcedDeletions.filter { $0.uid == pod.uid }.count == 1, "\(pod.name) not force-deleted once")
                }
                try await stack.cluster.recover(.interfaceDown, on: target)
                try await stack.waitUntilNodeClean(target, timeout: .seconds(180))
                try await Wait.until("node-cleanup recorded every moved pod cleaned", timeout: .seconds(120)) {
                    old.allSatisfy { pod in stack.auditor.fenceRecords(podUID: pod.uid).last?.nodeCleanup.cleaned ?? false }
                }
                // The restarted member has caught up: every stream and bucket has three current replicas.
                try await Wait.until("every stream current on three servers", timeout: .seconds(60)) {
                    for name in stack.topology.allStreamNames {
                        let info = try await js.streamInfo(name)
                        if info.replicas != 3 || (info.cluster?.current.count ?? 0) != 3 { return false }
                    }
                    return true
                }
            }
        }
    }
}
