// Named to sort last: Swift Testing runs this serialized suite in file order, and this scenario
// stops the shared five-family stack for a stack of its own.
import ArrayFamily
import Contracts
import CSISimulator
import Foundation
import Kube
import NodeSimulator
import PodguardStack
import Testing

extension EndToEndTests {
    /// (l) A third of the nodes fail with many pods, under two decision and two fencing replicas:
    /// six nodes, 24 PowerStore pods, two nodes' networks fail. Every pod on them is moved exactly
    /// once (no pod acted on twice by the replicas), the pods elsewhere are untouched, and both
    /// nodes are cleaned once they return.
    @Test func aThirdOfTheNodesFailWithManyPodsUnderTwoReplicas() async throws {
        var configuration = PodguardStackConfiguration(nodes: 6, families: [.powerstore])
        configuration.decisionReplicas = 2
        configuration.fencingReplicas = 2
        try await SharedStacks.with(configuration) { stack in
            try await stack.scenario("a third of the nodes fail, two replicas") {
                let namespace = try await stack.makeNamespace("storm")
                let failing = Array(stack.nodeNames.prefix(2))
                // Five pods preferring each failing node, fourteen spread over the others by the scheduler.
                var workloads: [ProtectedWorkload] = []
                for (index, node) in failing.enumerated() {
                    for ordinal in 0..<5 { workloads.append(ProtectedWorkload(name: "s\(index)-\(ordinal)", families: [.powerstore], preferredNode: node)) }
                }
                workloads.append(ProtectedWorkload(name: "spread", replicas: 14, families: [.powerstore]))
                var pods: [String: [DeployedPod]] = [:]
                for workload in workloads { pods[workload.name] = try await stack.deploy(workload, namespace: namespace, timeout: .seconds(240)) }
                let all = pods.values.flatMap { $0 }
                try require(all.count >= 24, "\(all.count) pods")
                let onFailing = all.filter { failing.contains($0.node) }
                try require(onFailing.count >= 10, "only \(onFailing.count) pods on the failing nodes")

                for node in failing { try await stack.cluster.inject(.interfaceDown, on: node) }
                for workload in workloads {
                    let before = pods[workload.name]!
                    let moved = before.filter { failing.contains($0.node) }
                    let after = try await stack.waitForPods(workload, namespace: namespace, replacing: moved, timeout: .seconds(240))
                    for pod in after where !moved.contains(where: { $0.name == pod.name }) {
                        try require(before.contains { $0.uid == pod.uid }, "\(pod.name) on a healthy node was replaced")
                    }
                    try require(after.allSatisfy { !failing.contains($0.node) }, "a replacement of \(workload.name) on a failed node")
                }
                for pod in onFailing {
                    let deleted = Set(stack.auditor.fenceRecords(podUID: pod.uid).filter { $0.phase == .podDeleted }.map(\.fenceID))
                    try require(deleted.count == 1, "\(pod.name): remediated \(deleted.count) times")
                    try require(stack.auditor.forcedDeletions.filter { $0.uid == pod.uid }.count == 1, "\(pod.name) not force-deleted once")
                }
                for pod in all where !failing.contains(pod.node) {
                    try require(stack.auditor.fenceRecords(podUID: pod.uid).isEmpty, "\(pod.name) on healthy \(pod.node) was fenced")
                }
                // Both replicas of each service took part or stood by; none crashed (checked by scenario()).

                for node in failing { try await stack.cluster.recover(.interfaceDown, on: node) }
                for node in failing { try await stack.waitUntilNodeClean(node) }
                try await Wait.until("node-cleanup recorded every moved pod cleaned") {
                    onFailing.allSatisfy { stack.auditor.fenceRecords(podUID: $0.uid).last?.nodeCleanup.cleaned == true }
                }
            }
        }
    }
}
