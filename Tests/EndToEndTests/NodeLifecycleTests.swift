import ArrayFamily
import Contracts
import CSISimulator
import Foundation
import Kube
import NodeSimulator
import PodguardStack
import Testing

extension EndToEndTests {
    /// (e) A node reboots (slowly: it stays down): its containers and mounts are gone, the arrays
    /// see it disconnected. The pod is fenced and moved; when the node boots again (new boot ID),
    /// node-cleanup finds nothing left and removes the podguard taint.
    @Test func nodeRebootMovesThePod() async throws {
        let stack = try await Self.mainStack()
        try await stack.scenario("node reboot") {
            let namespace = try await stack.makeNamespace("reboot")
            let target = stack.nodeNames[0]
            let workload = ProtectedWorkload(name: "bdb", families: [.powermax], preferredNode: target)
            let old = try await stack.deploy(workload, namespace: namespace)[0]
            try require(old.node == target, "pod started on \(old.node), not \(target)")
            let bootsBefore = try stack.cluster.snapshot(of: target).boots

            try await stack.cluster.inject(.reboot, on: target)
            let new = try await stack.waitForPods(workload, namespace: namespace, replacing: [old])[0]
            try require(new.node != target, "replacement on the rebooting node")
            try require(stack.auditor.forcedDeletion(uid: old.uid) != nil, "old pod not force-deleted")
            let record = try #require(stack.auditor.fenceRecords(podUID: old.uid).last)
            #expect(record.phase == .podDeleted && record.volumes.allSatisfy { $0.fenced })
            #expect(stack.cluster.backends[.powermax]!.array.mappings(of: old.volumes[.powermax]!) == [new.node])

            try await stack.cluster.recover(.reboot, on: target)
            try require(try stack.cluster.snapshot(of: target).boots == bootsBefore + 1, "no new boot")
            try await stack.waitUntilNodeClean(target)
            try await Wait.until("node-cleanup recorded the moved pod cleaned") {
                stack.auditor.fenceRecords(podUID: old.uid).last?.nodeCleanup.cleaned == true
            }
        }
    }

    /// (f) The CSI driver's node pod goes down on a node: decision taints the node
    /// `offline.<driver>.storage.dell.com:NoSchedule` (every family's); a protected pod there that
    /// turns not Ready is fenced and moved (the offline taint is its trigger). When the driver pod
    /// is back the offline taints go, node-cleanup cleans the node and removes the podguard taint.
    @Test func driverNodePodDownTaintsTheNodeAndMovesNotReadyPods() async throws {
        let stack = try await Self.mainStack()
        try await stack.scenario("driver node pod down") {
            let namespace = try await stack.makeNamespace("drvpod")
            let target = stack.nodeNames[1]
            let workload = ProtectedWorkload(name: "odb", families: [.powerstore], preferredNode: target)
            let old = try await stack.deploy(workload, namespace: namespace)[0]
            try require(old.node == target, "pod started on \(old.node), not \(target)")
            let offlineKey = FamilyCatalog.family(.powerstore).driverPodTaintKey

            try await stack.cluster.inject(.driverPodDown, on: target)
            try await Wait.until("\(offlineKey) on \(target)") { try await stack.taintKeys(of: target).contains(offlineKey) }
            // The pod is Ready so far: untouched.
            try require(stack.auditor.fenceRecords(podUID: old.uid).isEmpty, "a Ready pod was fenced")
            try stack.cluster.setPodReady(old.uid, on: target, ready: false)
            let new = try await stack.waitForPods(workload, namespace: namespace, replacing: [old])[0]
            try require(new.node != target, "replacement on the node without a driver pod")
            let record = try #require(stack.auditor.fenceRecords(podUID: old.uid).last)
            #expect(record.phase == .podDeleted && record.volumes.allSatisfy { $0.fenced })
            #expect(record.reason == .driverPodOffline, "reason \(record.reason)")

            try await stack.cluster.recover(.driverPodDown, on: target)
            try await Wait.until("\(offlineKey) removed from \(target)") { !(try await stack.taintKeys(of: target).contains(offlineKey)) }
            try await stack.waitUntilNodeClean(target)
            try await Wait.until("node-cleanup recorded the moved pod cleaned") {
                stack.auditor.fenceRecords(podUID: old.uid).last?.nodeCleanup.cleaned == true
            }
        }
    }

    /// (g) A healthy node loses its paths to the PowerStore arrays and its pod turns not Ready (its
    /// I/O fails): connectivity is declared lost, the node tainted, the pod fenced and moved. (A
    /// Ready pod in the same situation is untouched: scenario c.)
    @Test func arrayPathDownMovesTheNotReadyPod() async throws {
        let stack = try await Self.mainStack()
        try await stack.scenario("array path down, pod not Ready") {
            let namespace = try await stack.makeNamespace("pathdown")
            let target = stack.nodeNames[2]
            let workload = ProtectedWorkload(name: "pdb", families: [.powerstore], preferredNode: target)
            let old = try await stack.deploy(workload, namespace: namespace)[0]
            try require(old.node == target, "pod started on \(old.node), not \(target)")
            let since = Date()
            let taintKey = FamilyCatalog.family(.powerstore).podmonTaintKey

            stack.setArrayPaths(of: target, family: .powerstore, down: true)
            try await Wait.until("\(taintKey) on \(target) (array connectivity lost)") {
                stack.auditor.taintKeysAdded(on: target, since: since).contains(taintKey)
            }
            try stack.cluster.setPodReady(old.uid, on: target, ready: false)
            let new = try await stack.waitForPods(workload, namespace: namespace, replacing: [old])[0]
            try require(new.node != target, "replacement on the node without paths")
            let record = try #require(stack.auditor.fenceRecords(podUID: old.uid).last)
            #expect(record.phase == .podDeleted && record.volumes.allSatisfy { $0.fenced })
            let added = stack.auditor.taintKeysAdded(on: target, since: since)
            #expect(!added.contains("node.kubernetes.io/unreachable"), "the healthy node became unreachable")

            stack.setArrayPaths(of: target, family: .powerstore, down: false)
            try await stack.waitUntilNodeClean(target)
        }
    }

    /// (h) I/O in progress: the node fails while the array still reports I/O on the pod's volume.
    /// Validation aborts the fence (podmon's "array connected or recent I/O") and nothing is
    /// deleted; once the I/O stops, the next attempt fences and moves the pod.
    @Test func ioInProgressAbortsUntilItStops() async throws {
        let stack = try await Self.mainStack()
        try await stack.scenario("I/O in progress") {
            let namespace = try await stack.makeNamespace("io")
            let target = stack.nodeNames[3]
            let workload = ProtectedWorkload(name: "iodb", families: [.powerflex], preferredNode: target)
            let old = try await stack.deploy(workload, namespace: namespace)[0]
            try require(old.node == target, "pod started on \(old.node), not \(target)")
            let handle = old.volumes[.powerflex]!

            stack.setIO(volume: handle, family: .powerflex, active: true)
            try await stack.cluster.inject(.interfaceDown, on: target)
            try await Wait.until("a fence of \(old.name) aborted for I/O in progress") {
                stack.auditor.fenceRecords(podUID: old.uid).contains { $0.phase == .aborted && $0.abortReason == .arrayConnectedOrIo }
            }
            try await Task.sleep(for: .seconds(5))   // retries keep aborting while the I/O goes on
            let current = try #require(try await stack.currentPod(old.name, namespace: namespace))
            try require(current.uid == old.uid, "the pod was replaced while I/O was in progress")
            try require(stack.auditor.forcedDeletion(uid: old.uid) == nil, "force-deleted while I/O was in progress")
            try require(stack.cluster.backends[.powerflex]!.array.mappings(of: handle).contains(target), "fenced during I/O")

            stack.setIO(volume: handle, family: .powerflex, active: false)
            let new = try await stack.waitForPods(workload, namespace: namespace, replacing: [old])[0]
            try require(new.node != target, "replacement on the failed node")
            let records = stack.auditor.fenceRecords(podUID: old.uid)
            #expect(records.last?.phase == .podDeleted)
            #expect(Set(records.filter { $0.phase == .podDeleted }.map(\.fenceID)).count == 1)

            try await stack.cluster.recover(.interfaceDown, on: target)
            try await stack.waitUntilNodeClean(target)
        }
    }
}
