import ArrayFamily
import Contracts
import CSISimulator
import Foundation
import Kube
import NodeSimulator
import PodguardStack
import Testing

extension EndToEndTests {
    /// (i) A pod with a PowerFlex and a PowerMax volume (podmon cannot protect it): when its node
    /// fails, each volume is unpublished from the node on its own family's array (by that family's
    /// controller adapter), both before the pod is deleted, and the node gets both podguard taints.
    @Test func podWithVolumesOfTwoFamiliesIsFencedByEachFamily() async throws {
        let stack = try await Self.mainStack()
        try await stack.scenario("pod with volumes of two families") {
            let namespace = try await stack.makeNamespace("twofam")
            let target = stack.nodeNames[0]
            let families: [ArrayFamilyID] = [.powerflex, .powermax]
            let workload = ProtectedWorkload(name: "mdb", families: families, preferredNode: target)
            let old = try await stack.deploy(workload, namespace: namespace)[0]
            try require(old.node == target, "pod started on \(old.node), not \(target)")

            try await stack.cluster.inject(.interfaceDown, on: target)
            let new = try await stack.waitForPods(workload, namespace: namespace, replacing: [old])[0]
            try require(new.node != target, "replacement on the failed node")
            let record = try #require(stack.auditor.fenceRecords(podUID: old.uid).last)
            #expect(record.phase == .podDeleted)
            #expect(Set(record.volumes.map(\.volume.family)) == [.powerflex, .powermax], "\(record.volumes)")
            #expect(record.volumes.allSatisfy { $0.fenced })
            let taints = try await stack.taintKeys(of: target)
            for family in families {
                let handle = old.volumes[family]!
                // Each family's array saw its own volume unmapped from the failed node.
                let unmapped = stack.cluster.backends[family]!.array.events.contains {
                    if case .unmapped(let volume, let host) = $0 { return volume == handle && host == target }
                    return false
                }
                #expect(unmapped, "\(family): \(handle) never unmapped from \(target) on its array")
                #expect(stack.cluster.backends[family]!.array.mappings(of: handle) == [new.node], "\(family) mappings")
                #expect(taints.contains(FamilyCatalog.family(family).podmonTaintKey), "\(family) taint missing: \(taints)")
            }

            try await stack.cluster.recover(.interfaceDown, on: target)
            try await stack.waitUntilNodeClean(target)
        }
    }

    /// (j) Pods with a required hostname pod-affinity on each other are moved together: both are
    /// fenced in one affinity group and their replacements run side by side on another node.
    @Test func podsWithHostnameAffinityMoveTogether() async throws {
        let stack = try await Self.mainStack()
        try await stack.scenario("pod affinity") {
            let namespace = try await stack.makeNamespace("affinity")
            let target = stack.nodeNames[1]
            let workloads = [
                ProtectedWorkload(name: "web", families: [.unity], affinityGroup: "shop", preferredNode: target),
                ProtectedWorkload(name: "cache", families: [.powerscale], affinityGroup: "shop", preferredNode: target),
            ]
            var old: [DeployedPod] = []
            for workload in workloads { old.append(try await stack.deploy(workload, namespace: namespace)[0]) }
            try require(old.allSatisfy { $0.node == target }, "pods started on \(old.map(\.node)), not \(target)")

            try await stack.cluster.inject(.interfaceDown, on: target)
            var new: [DeployedPod] = []
            for (workload, pod) in zip(workloads, old) {
                new.append(try await stack.waitForPods(workload, namespace: namespace, replacing: [pod])[0])
            }
            try require(new[0].node != target && new[0].node == new[1].node, "not moved together: \(new.map(\.node))")
            let records = old.compactMap { stack.auditor.fenceRecords(podUID: $0.uid).last }
            #expect(records.count == 2 && records.allSatisfy { $0.phase == .podDeleted })
            let groups = Set(records.map(\.request.affinityGroup))
            #expect(groups.count == 1 && groups.first?.isEmpty == false, "affinity groups \(groups)")

            try await stack.cluster.recover(.interfaceDown, on: target)
            try await stack.waitUntilNodeClean(target)
        }
    }
}
