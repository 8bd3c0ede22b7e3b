import ArrayFamily
import Contracts
import CRI
import CSISimulator
import Foundation
import Kube
import NodeSimulator
import PodguardStack
import Testing

extension EndToEndTests {
    /// (b) The kubelet stops but the containers go on (zombies). With podmon's skip option on (the
    /// array still sees the node connected; the node carries `unreachable:NoExecute`), the pod is
    /// moved; while the old container still runs on the node (its runtime lists it over CRI) the
    /// podguard taint stays; after a reboot (containers gone) node-cleanup removes it.
    @Test func kubeletDownZombieKeepsTheTaintUntilAReboot() async throws {
        let stack = try await Self.mainStack()
        try await stack.setSkipArrayConnectionValidation(true)
        do {
            try await stack.scenario("kubelet down, zombie container") {
                let namespace = try await stack.makeNamespace("zombie")
                let target = stack.nodeNames[1]
                let workload = ProtectedWorkload(name: "zdb", families: [.powerstore], preferredNode: target)
                let old = try await stack.deploy(workload, namespace: namespace)[0]
                try require(old.node == target, "pod started on \(old.node), not \(target)")

                try await stack.cluster.inject(.kubeletDown, on: target)
                let new = try await stack.waitForPods(workload, namespace: namespace, replacing: [old])[0]
                try require(new.node != target, "replacement on the failed node")
                try require(stack.auditor.forcedDeletion(uid: old.uid) != nil, "old pod not force-deleted")
                let taintKey = FamilyCatalog.family(.powerstore).podmonTaintKey
                try require(try await stack.taintKeys(of: target).contains(taintKey), "\(taintKey) missing on \(target)")

                // The zombie runs on (its writes now refused by the array), the taint stays.
                let zombies = try await stack.containers(on: target, ofPods: [old.uid])
                try require(zombies.contains { $0.state == .running }, "no running zombie container listed: \(zombies)")
                try await Task.sleep(for: .seconds(8))   // longer than the cleanup stability window: nothing may happen
                try require(try await stack.taintKeys(of: target).contains(taintKey), "taint removed while the zombie runs")
                try require(!(try await stack.containers(on: target, ofPods: [old.uid])).isEmpty, "zombie vanished by itself")
                try require((stack.cluster.refusedWrites[.powerstore]?[target] ?? 0) > 0, "zombie writes were not refused")

                // A reboot ends the zombie; the node comes back and is cleaned.
                try await stack.cluster.inject(.reboot, on: target)
                try await stack.cluster.recover(.reboot, on: target)
                try await stack.waitUntilNodeClean(target)
                try require(try await stack.containers(on: target, ofPods: [old.uid]).isEmpty, "zombie after the reboot")
                let report = stack.auditor.cleanupReports.last { $0.nodeName == target && $0.taintRemoved }
                try require(report?.zombieContainers.isEmpty == true, "no clean CleanupReport: \(String(describing: report))")
                try require(stack.auditor.fenceRecords(podUID: old.uid).last?.nodeCleanup.cleaned == true, "not recorded cleaned")
            }
        } catch {
            try? await stack.setSkipArrayConnectionValidation(false)
            throw error
        }
        try await stack.setSkipArrayConnectionValidation(false)
    }

    /// (c) A Ready pod on a tainted node is untouched: the node's paths to the PowerFlex arrays go
    /// down while the node stays healthy; array connectivity is declared lost and the node tainted,
    /// but the pod is Ready, so it is neither fenced nor deleted.
    @Test func readyPodOnATaintedNodeIsUntouched() async throws {
        let stack = try await Self.mainStack()
        try await stack.scenario("Ready pod on a tainted node") {
            let namespace = try await stack.makeNamespace("ready")
            let target = stack.nodeNames[2]
            let workload = ProtectedWorkload(name: "rdb", families: [.powerflex], preferredNode: target)
            let pod = try await stack.deploy(workload, namespace: namespace)[0]
            try require(pod.node == target, "pod started on \(pod.node), not \(target)")
            let since = Date()
            let taintKey = FamilyCatalog.family(.powerflex).podmonTaintKey

            stack.setArrayPaths(of: target, family: .powerflex, down: true)
            try await Wait.until("\(taintKey) on \(target) (array connectivity lost)") {
                stack.auditor.taintKeysAdded(on: target, since: since).contains(taintKey)
            }
            try await Task.sleep(for: .seconds(8))   // to show that nothing happens to the Ready pod
            let current = try #require(try await stack.currentPod(pod.name, namespace: namespace))
            try require(current.uid == pod.uid && current.isReady, "the Ready pod was touched")
            try require(stack.auditor.fenceRecords(podUID: pod.uid).isEmpty, "a remediation was started for a Ready pod")
            try require(stack.auditor.forcedDeletion(uid: pod.uid) == nil, "the Ready pod was force-deleted")

            stack.setArrayPaths(of: target, family: .powerflex, down: false)
            try await stack.waitUntilNodeClean(target)
            let after = try #require(try await stack.currentPod(pod.name, namespace: namespace))
            try require(after.uid == pod.uid && after.isReady, "the pod changed after the paths came back")
        }
    }

    /// (d) A node that flaps for less than the grace period (and the loss threshold) causes no action.
    @Test func nodeFlapShorterThanTheGracePeriodCausesNoAction() async throws {
        let stack = try await Self.mainStack()
        try await stack.scenario("node flap") {
            let namespace = try await stack.makeNamespace("flap")
            let target = stack.nodeNames[3]
            let workload = ProtectedWorkload(name: "fdb", families: [.unity], preferredNode: target)
            let pod = try await stack.deploy(workload, namespace: namespace)[0]
            try require(pod.node == target, "pod started on \(pod.node), not \(target)")
            let since = Date()

            try await stack.cluster.inject(.interfaceDown, on: target)
            try await Task.sleep(for: .milliseconds(1500))   // the flap: shorter than two probe intervals and the 8 s grace
            try await stack.cluster.recover(.interfaceDown, on: target)
            try await Task.sleep(for: .seconds(12))          // past the grace period: nothing may happen

            let current = try #require(try await stack.currentPod(pod.name, namespace: namespace))
            try require(current.uid == pod.uid && current.isReady, "the pod was touched")
            try require(stack.auditor.fenceRecords(podUID: pod.uid).isEmpty, "a remediation was started")
            let added = stack.auditor.taintKeysAdded(on: target, since: since)
            try require(!added.contains("node.kubernetes.io/unreachable"), "the node became unreachable: \(added)")
        }
    }
}
