import ArrayFamily
import Bus
import BusService
import Contracts
import CSISimulator
import Foundation
import Harness
import Kube
import NodeSimulator
import PodguardStack
import SwiftProtobuf
import Testing

/// The defects an independent run found (issue "Safety first"), each as a scenario on the shared
/// stack, with the safety invariants asserted at its end like every other.
extension EndToEndTests {
    /// (m) The PowerFlex arrays lose the paths of every host while every kubelet stays Ready, and
    /// the pods go not Ready: an outage of the array, not of the nodes. The breaker opens after the
    /// second node: one ArrayOutage alert; no workload is remediated more than once (the first
    /// node's pod may be, before the outage shows); no replacement is force-deleted; no fencing
    /// loop. When the paths come back: ArrayOutageOver, every workload Ready, every node clean.
    @Test func arrayWideOutageOpensTheBreakerInsteadOfALoop() async throws {
        let stack = try await Self.mainStack()
        try await stack.scenario("array-wide outage") {
            let namespace = try await stack.makeNamespace("outage")
            let since = Date()
            let workloads = stack.nodeNames.enumerated().map { ProtectedWorkload(name: "o\($0.offset)", families: [.powerflex], preferredNode: $0.element) }
            var pods: [DeployedPod] = []
            for workload in workloads { pods += try await stack.deploy(workload, namespace: namespace) }

            for node in stack.nodeNames { stack.setArrayPaths(of: node, family: .powerflex, down: true) }
            for pod in pods { try stack.cluster.setPodReady(pod.uid, on: pod.node, ready: false) }
            try await Wait.until("ArrayOutage alert", timeout: .seconds(90)) {
                stack.auditor.alerts.contains { $0.reason == "ArrayOutage" && $0.header.producedAt.date > since }
            }
            // Long enough for a loop to show (the simulator's attach/detach reconcile is 5 s).
            try await Task.sleep(for: .seconds(20))
            let deleted = stack.auditor.forcedDeletions.filter { $0.namespace == namespace }
            try require(deleted.count <= 1, "\(deleted.count) pods force-deleted during the outage: \(deleted.map(\.name))")
            let outages = stack.auditor.alerts.filter { $0.reason == "ArrayOutage" && $0.header.producedAt.date > since }
            try require(outages.count == 1, "\(outages.count) ArrayOutage alerts")
            try require(stack.auditor.decisions.contains { $0.rule == .arrayOutage && $0.outageNodes.count >= 2 },
                        "no ARRAY_OUTAGE DecisionRecord naming the nodes")

            for node in stack.nodeNames { stack.setArrayPaths(of: node, family: .powerflex, down: false) }
            try await Wait.until("ArrayOutageOver alert", timeout: .seconds(90)) {
                stack.auditor.alerts.contains { $0.reason == "ArrayOutageOver" && $0.header.producedAt.date > since }
            }
            // Pods the outage left not Ready are Ready again once their storage is back.
            for pod in pods where stack.auditor.forcedDeletion(uid: pod.uid) == nil {
                try stack.cluster.setPodReady(pod.uid, on: pod.node, ready: true)
            }
            for workload in workloads { _ = try await stack.waitForPods(workload, namespace: namespace) }
            for node in stack.nodeNames { try await stack.waitUntilNodeClean(node) }
        }
    }

    /// (n) An outsider on the bus: a forged NodeTaintRequest for a healthy node and a forged
    /// FenceRecord at FENCED plus its FenceRequest for a Ready pod. fencing refuses both against the
    /// live state: no taint, the Ready pod untouched, its volume still published to its node.
    @Test func forgedRequestsAndRecordsAreRefused() async throws {
        let stack = try await Self.mainStack()
        try await stack.scenario("forged taint request and FENCED record") {
            let namespace = try await stack.makeNamespace("forged")
            let target = stack.nodeNames[1]
            let workload = ProtectedWorkload(name: "fdb", families: [.powerstore], preferredNode: target)
            let pod = try await stack.deploy(workload, namespace: namespace)[0]
            let node = try await stack.kube.get(Node.self, name: target)
            let js = try stack.bus.jetStream()

            var taint = Podguard_V1_NodeTaintRequest()
            taint.requestID = UUID().uuidString.lowercased()
            taint.nodeName = target
            taint.nodeUid = node.metadata.uid ?? ""
            taint.taint.key = FamilyCatalog.family(.powerstore).podmonTaintKey
            taint.taint.effect = .noSchedule
            taint.action = .add
            taint.reason = .arrayConnectivityLoss
            try await js.publish(taint, to: stack.topology.subjects.taintRequest(target), messageID: taint.requestID)

            let request = try await stack.forgedFenceRequest(for: pod, family: .powerstore)
            var record = Podguard_V1_FenceRecord()
            record.fenceID = request.fenceID
            record.pod = request.pod
            record.nodeName = target
            record.nodeUid = request.nodeUid
            record.reason = .nodeFailure
            record.phase = .fenced
            record.request = request
            let fences = try await js.keyValue(stack.topology.fencesBucket)
            _ = try await fences.create(PodguardKeys.fence(podUID: pod.uid), message: record)
            try await js.publish(Podguard_V1_FenceWork(naming: request), to: stack.topology.subjects.fenceRequest(target), messageID: request.fenceID)

            try await Wait.until("both refused", timeout: .seconds(60)) {
                stack.auditor.alerts.contains { $0.reason == "TaintRequestRefused" && $0.nodeName == target }
                    && stack.auditor.fenceRecords(podUID: pod.uid).last?.phase == .aborted
            }
            try require(stack.auditor.fenceRecords(podUID: pod.uid).last?.abortReason == .safetyCheckFailed, "not refused by the safety check")
            try require(!(try await stack.taintKeys(of: target)).contains(taint.taint.key), "the forged taint is on \(target)")
            let current = try #require(try await stack.currentPod(pod.name, namespace: namespace))
            try require(current.uid == pod.uid && current.isReady, "the Ready pod was touched")
            try require(stack.auditor.forcedDeletion(uid: pod.uid) == nil, "the Ready pod was force-deleted")
            let mappings = stack.cluster.backends[.powerstore]?.array.mappings(of: pod.volumes[.powerstore] ?? "") ?? []
            try require(!mappings.isEmpty, "the volume was unpublished from a healthy node")
        }
    }

    /// (o) The pause switch: on while a node fails, nothing is requested (the decisions say
    /// WITHHELD_PAUSED, one PodguardPaused alert); off, the pod moves at once.
    @Test func pauseHoldsEveryRequestUntilItIsOff() async throws {
        let stack = try await Self.mainStack()
        try await stack.scenario("pause switch") {
            let namespace = try await stack.makeNamespace("pause")
            let target = stack.nodeNames[3]
            let workload = ProtectedWorkload(name: "pzdb", families: [.unity], preferredNode: target)
            let old = try await stack.deploy(workload, namespace: namespace)[0]
            try await stack.setPaused(true, reason: "e2e maintenance", by: "e2e")
            try await Wait.until("PodguardPaused") { stack.auditor.alerts.contains { $0.reason == "PodguardPaused" && $0.summary.contains("e2e maintenance") } }

            try await stack.cluster.inject(.interfaceDown, on: target)
            try await Wait.until("the pod's decision withheld by the pause", timeout: .seconds(90)) {
                stack.auditor.decisions.contains { $0.pod.uid == old.uid && $0.outcome == .withheldPaused }
            }
            try await Task.sleep(for: .seconds(10))
            try require(stack.auditor.fenceRecords(podUID: old.uid).isEmpty, "a remediation started while paused")

            try await stack.setPaused(false, reason: "e2e maintenance", by: "e2e")
            let new = try await stack.waitForPods(workload, namespace: namespace, replacing: [old])[0]
            try require(new.node != target, "replacement on the failed node")
            try require(stack.auditor.alerts.contains { $0.reason == "PodguardResumed" }, "no PodguardResumed alert")
            try await stack.cluster.recover(.interfaceDown, on: target)
            try await stack.waitUntilNodeClean(target)
        }
    }

    /// (p) The CSI driver node pods go down on every node (a bad driver rollout), the kubelets stay
    /// Ready: a DriverOutage, not four node failures. No offline taint beyond the first node's (which
    /// looked like its own), no remediation; when the driver pods are back, DriverOutageOver and no
    /// offline taint left anywhere.
    @Test func driverPodsDownEverywhereIsADriverOutage() async throws {
        let stack = try await Self.mainStack()
        try await stack.scenario("driver node pods down on every node") {
            let namespace = try await stack.makeNamespace("drvout")
            let since = Date()
            var pods: [DeployedPod] = []
            for (index, node) in stack.nodeNames.enumerated() {
                pods += try await stack.deploy(ProtectedWorkload(name: "d\(index)", families: [.powerstore], preferredNode: node), namespace: namespace)
            }
            for node in stack.nodeNames { try await stack.cluster.inject(.driverPodDown, on: node) }
            try await Wait.until("DriverOutage alert", timeout: .seconds(90)) {
                stack.auditor.alerts.contains { $0.reason == "DriverOutage" && $0.header.producedAt.date > since }
            }
            try await Task.sleep(for: .seconds(10))
            let offlineKey = FamilyCatalog.family(.powerstore).driverPodTaintKey
            var tainted: [String] = []
            for node in stack.nodeNames where try await stack.taintKeys(of: node).contains(offlineKey) { tainted.append(node) }
            try require(tainted.count <= 1, "offline taint on \(tainted) during the outage")
            try require(pods.allSatisfy { stack.auditor.fenceRecords(podUID: $0.uid).isEmpty }, "a remediation started")

            for node in stack.nodeNames { try await stack.cluster.recover(.driverPodDown, on: node) }
            try await Wait.until("DriverOutageOver alert", timeout: .seconds(90)) {
                stack.auditor.alerts.contains { $0.reason == "DriverOutageOver" && $0.header.producedAt.date > since }
            }
            for node in stack.nodeNames {
                try await Wait.until("no offline taint on \(node)") { !(try await stack.taintKeys(of: node).contains(offlineKey)) }
                try await stack.waitUntilNodeClean(node)
            }
        }
    }

    /// (q) nats-server goes down for 10 s in the middle of a failover (same port and store): no
    /// service exits, every pod of the failed node moves exactly once, and none of their volumes
    /// is published to the failed node again (the auditor reads the arrays' mapping logs).
    @Test func busRestartMidFailoverLosesNothing() async throws {
        let stack = try await Self.mainStack()
        try await stack.scenario("nats-server restart mid-failover") {
            let namespace = try await stack.makeNamespace("busdown")
            let target = stack.nodeNames[2]
            let workloads = [ArrayFamilyID.powerflex, .powerstore, .unity].enumerated().map {
                ProtectedWorkload(name: "bus\($0.offset)", families: [$0.element], preferredNode: target)
            }
            var old: [DeployedPod] = []
            for workload in workloads { old += try await stack.deploy(workload, namespace: namespace) }
            try require(old.allSatisfy { $0.node == target }, "pods started on \(old.map(\.node)), not \(target)")

            try await stack.cluster.inject(.interfaceDown, on: target)
            try await stack.waitForARemediationUnderWay(old)
            stack.auditor.log("e2e: nats-server down for 10 s")
            try await stack.nats.restart(downtime: .seconds(10))
            stack.auditor.log("e2e: nats-server back")
            for (workload, pod) in zip(workloads, old) {
                let new = try await stack.waitForPods(workload, namespace: namespace, replacing: [pod], timeout: .seconds(180))[0]
                try require(new.node != target, "\(workload.name) replaced on the failed node")
            }
            try require(stack.crashedProcesses().isEmpty, "services exited: \(stack.crashedProcesses().map(\.id.description))")
            try await stack.cluster.recover(.interfaceDown, on: target)
            try await stack.waitUntilNodeClean(target, timeout: .seconds(180))
        }
    }

    /// (r) kube-apiserver goes down for 20 s in the middle of a failover and comes back in place
    /// (same port, certificates, etcd): every pod of the failed node is force-deleted exactly once;
    /// no healthy node is tainted although the node controller marks every node's driver pods not
    /// Ready as the apiserver returns; no service exits. The attach/detach controller may re-create
    /// attachments from its stale pod cache and the attacher publish a fenced volume to the failed
    /// node again: podguard cannot prevent that, so it must undo it (unpublish again, attachment
    /// deleted, FencedVolumeRepublished), which the auditor checks. A replacement whose volume was
    /// re-attached waits for the controller's own force detach (6 min) and is not waited for here.
    @Test
    func apiServerRestartMidFailoverLosesNothing() async throws {
        let stack = try await Self.mainStack()
        try await stack.scenario("kube-apiserver restart mid-failover") {
            let namespace = try await stack.makeNamespace("apidown")
            let target = stack.nodeNames[0]
            let workloads = [ArrayFamilyID.powerstore, .powermax].enumerated().map {
                ProtectedWorkload(name: "api\($0.offset)", families: [$0.element], preferredNode: target)
            }
            var old: [DeployedPod] = []
            for workload in workloads { old += try await stack.deploy(workload, namespace: namespace) }
            try require(old.allSatisfy { $0.node == target }, "pods started on \(old.map(\.node)), not \(target)")
            let since = Date()

            try await stack.cluster.inject(.interfaceDown, on: target)
            try await stack.waitForARemediationUnderWay(old)
            stack.auditor.log("e2e: kube-apiserver down for 20 s")
            try await stack.plane.restart("kube-apiserver", downtime: .seconds(20))
            stack.auditor.log("e2e: kube-apiserver back")
            try await Wait.until("every pod of the failed node force-deleted", timeout: .seconds(180)) {
                old.allSatisfy { stack.auditor.forcedDeletion(uid: $0.uid) != nil }
            }
            // Long enough for the attach/detach controller's stale re-attach and podguard's answer.
            try await Task.sleep(for: .seconds(15))
            let republished = stack.auditor.alerts.contains { $0.reason == "FencedVolumeRepublished" && $0.header.producedAt.date > since }
            stack.auditor.log("e2e: FencedVolumeRepublished seen: \(republished)")
            if !republished {
                for (workload, pod) in zip(workloads, old) {
                    let new = try await stack.waitForPods(workload, namespace: namespace, replacing: [pod], timeout: .seconds(240))[0]
                    try require(new.node != target, "\(workload.name) replaced on the failed node")
                }
            }
            for node in stack.nodeNames where node != target {
                let added = stack.auditor.taintKeysAdded(on: node, since: since).filter { $0.hasSuffix(".storage.dell.com") }
                try require(added.isEmpty, "healthy node \(node) got podguard taints \(added)")
            }
            try require(stack.crashedProcesses().isEmpty, "services exited: \(stack.crashedProcesses().map(\.id.description))")
            try await stack.cluster.recover(.interfaceDown, on: target)
            try await stack.waitUntilNodeClean(target, timeout: .seconds(180))
        }
    }
}
