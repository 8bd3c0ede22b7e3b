import ArrayFamily
import Contracts
import CSISimulator
import Foundation
import Kube
import NodeSimulator
import PodguardStack
import Testing

/// The failover pipeline end to end: every podguard service as its own process against a real
/// nats-server, the real control plane and simulated nodes. Serialized: the scenarios share stacks,
/// and the node lifecycle controller's disruption modes look at every node of the control plane.
@Suite(.serialized, .timeLimit(.minutes(30)))
struct EndToEndTests {
    static let families: [ArrayFamilyID] = [.powerflex, .powerstore, .powerscale, .powermax, .unity]

    /// The shared five-family, four-node stack.
    static func mainStack() async throws -> PodguardStack {
        try await SharedStacks.shared.stack("main", SharedStacks.allFamilies)
    }

    /// (a) A node's network fails: for each of the five families, the pod on it is force-deleted
    /// after its volume was fenced from that node (ControllerUnpublish), the node is tainted
    /// `<driver>.podmon.storage.dell.com:NoSchedule`, the replacement runs on another node; when the
    /// node returns, node-cleanup cleans it and removes the taints.
    @Test func nodeFailureMovesThePodOfEveryFamily() async throws {
        let stack = try await Self.mainStack()
        try await stack.scenario("node failure, five families") {
            let namespace = try await stack.makeNamespace("nodefail")
            let target = stack.nodeNames[0]
            let workloads = Self.families.map { ProtectedWorkload(name: "db-\($0.rawValue)", families: [$0], preferredNode: target) }
            var pods: [ArrayFamilyID: DeployedPod] = [:]
            for workload in workloads { pods[workload.families[0]] = try await stack.deploy(workload, namespace: namespace)[0] }
            for (family, pod) in pods {
                try require(pod.node == target, "\(family) pod started on \(pod.node), not the preferred \(target)")
            }

            try await stack.cluster.inject(.interfaceDown, on: target)
            var moved: [ArrayFamilyID: DeployedPod] = [:]
            for workload in workloads {
                let family = workload.families[0]
                moved[family] = try await stack.waitForPods(workload, namespace: namespace, replacing: [pods[family]!])[0]
            }
            let taints = try await stack.kube.get(Node.self, name: target).taints
            for family in Self.families {
                let old = pods[family]!, new = moved[family]!
                let facts = FamilyCatalog.family(family)
                try require(new.node != target, "\(family): replacement on the failed node")
                try require(stack.auditor.forcedDeletion(uid: old.uid) != nil, "\(family): old pod not force-deleted")
                let record = try #require(stack.auditor.fenceRecords(podUID: old.uid).last)
                #expect(record.phase == .podDeleted, "\(family): \(record.phase)")
                #expect(record.nodeName == target)
                let fenced = record.volumes.allSatisfy { $0.fenced }
                #expect(fenced, "\(family): \(record.volumes)")
                let handle = old.volumes[family]!
                #expect(stack.cluster.backends[family]!.array.mappings(of: handle) == [new.node], "\(family) mappings")
                #expect(taints.contains { $0.key == facts.podmonTaintKey && $0.effect == "NoSchedule" },
                        "\(family): \(facts.podmonTaintKey) missing on \(target): \(taints.map(\.key))")
            }

            try await stack.cluster.recover(.interfaceDown, on: target)
            try await stack.waitUntilNodeClean(target)
            try await Wait.until("node-cleanup recorded every moved pod cleaned") {
                Self.families.allSatisfy { stack.auditor.fenceRecords(podUID: pods[$0]!.uid).last?.nodeCleanup.cleaned == true }
            }
            #expect(stack.auditor.cleanupReports.contains { $0.nodeName == target && $0.taintRemoved })
        }
    }
}
