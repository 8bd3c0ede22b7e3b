import ArrayFamily
import Contracts
import Foundation
import Harness
import Kube
import NodeSimulator
import PodguardStack
import Testing

extension EndToEndTests {
    /// Three nodes, PowerStore, a simulated BMC per node and the ladder storage → fence agent →
    /// approval.
    static func ladderStack() async throws -> PodguardStack {
        var configuration = PodguardStackConfiguration(nodes: 3, families: [.powerstore])
        configuration.nodeBMCs = true
        configuration.remediationLadder = "storage:5m fence-agent:2m approval:10m"
        return try await SharedStacks.shared.stack("ladder", configuration)
    }

    /// Runs `body` with the node's fence agent Secret replaced by the one `secret` makes from the
    /// node's BMC (a wrong password, a port nobody serves); the working Secret is put back after,
    /// for the next scenario on this node.
    static func withFenceAgentSecret(_ stack: PodguardStack, node: String,
                                     _ secret: (NodeBMCs, IPMISimulatorProcess) throws -> Secret,
                                     _ body: () async throws -> Void) async throws {
        let bmcs = try #require(stack.bmcs)
        let bmc = try #require(bmcs.bmcs[node])
        let name = "\(bmcs.secretPrefix)\(node)"
        try await stack.kube.delete(Secret.self, name: name, namespace: bmcs.secretNamespace)
        _ = try await stack.kube.create(try secret(bmcs, bmc))
        try await body()
        try await stack.kube.delete(Secret.self, name: name, namespace: bmcs.secretNamespace)
        _ = try await stack.kube.create(bmcs.secret(for: bmc, node: node))
    }

    /// A protected pod on `node`, whose kubelet then stops while its containers go on: the storage
    /// cannot prove the node safe, and (the fence agent failing) the ladder asks for approval.
    static func zombieAwaitingApproval(_ stack: PodguardStack, node: String, namespace: String, workload: ProtectedWorkload,
                                       timeout: Duration = .seconds(180)) async throws -> DeployedPod {
        let old = try await stack.deploy(workload, namespace: namespace)[0]
        try require(old.node == node, "pod started on \(old.node), not \(node)")
        try await stack.cluster.inject(.kubeletDown, on: node)
        try await Wait.until("approval asked", timeout: timeout) {
            stack.auditor.alerts.contains { $0.reason == "NodeFenceApprovalRequired" && $0.nodeName == node }
        }
        try require(try stack.cluster.isPoweredOn(node), "a failing fence agent powered the node off")
        try require(stack.auditor.forcedDeletion(uid: old.uid) == nil, "the pod was deleted without a proof")
        return old
    }

    /// (s) The kubelet stops but its containers go on writing: the array sees the node connected
    /// and writing, so the storage cannot prove the node safe (podmon stops here until someone
    /// reboots the node). The ladder's fence agent powers the node off through its BMC
    /// (fence_ipmilan against ipmi_sim, whose chassis control switches the simulated node), OFF
    /// confirmed; then the pod is fenced and force-deleted and its replacement runs elsewhere — no
    /// reboot by hand. Powered on again, the node boots with a new boot ID and is cleaned.
    @Test func zombieNodeIsPoweredOffByItsFenceAgentAndThePodMoves() async throws {
        let stack = try await Self.ladderStack()
        try await stack.scenario("kubelet-down zombie, fence agent") {
            let namespace = try await stack.makeNamespace("ladder")
            let target = stack.nodeNames[1]
            let bootBefore = try await stack.kube.get(Node.self, name: target).status?.nodeInfo?.bootID ?? ""
            let workload = ProtectedWorkload(name: "ldb", families: [.powerstore], preferredNode: target)
            let old = try await stack.deploy(workload, namespace: namespace)[0]
            try require(old.node == target, "pod started on \(old.node), not \(target)")

            try await stack.cluster.inject(.kubeletDown, on: target)
            let new = try await stack.waitForPods(workload, namespace: namespace, replacing: [old], timeout: .seconds(240))[0]
            try require(new.node != target, "replacement on the failed node")
            try require(try stack.cluster.isPoweredOn(target) == false, "\(target) still powered on")
            try require(stack.auditor.forcedDeletion(uid: old.uid) != nil, "old pod not force-deleted")
            let record = try #require(stack.auditor.fenceRecords(podUID: old.uid).last)
            try require(record.phase == .podDeleted, "record \(record.phase)")
            // Powered off, the node's array sessions end too: the validation goes ahead on the
            // node's proof, or on the array's "disconnected, idle" that the power-off brought about.
            try require(record.nodeProvenBy == .fenceAgent
                        || record.transitions.contains { $0.phase == .validated && $0.message.contains("disconnected") },
                        "validated on neither the proof nor the array: \(record.transitions.map(\.message))")
            // The agent confirms OFF with a status call after the power-off (which may already
            // have let the array answer "disconnected"): wait for its verdict.
            var nodeRecord: Podguard_V1_NodeRemediationRecord?
            try await Wait.until("the node remediation proven") {
                nodeRecord = try await stack.nodeRemediation(of: target)
                return nodeRecord.map { $0.state != .climbing } ?? false
            }
            guard let nodeRecord else { throw StackError("no node remediation record for \(target)") }
            try require(nodeRecord.state == .proven && nodeRecord.provenBy == .fenceAgent && nodeRecord.bootID == bootBefore,
                        "node remediation \(nodeRecord.state) by \(nodeRecord.provenBy), boot \(nodeRecord.bootID)")
            try await Wait.until("NodeRemediationStarted and NodeProvenSafe alerts", timeout: .seconds(30)) {
                let alerts = Set(stack.auditor.alerts.filter { $0.nodeName == target }.map(\.reason))
                return alerts.isSuperset(of: ["NodeRemediationStarted", "NodeProvenSafe"])
            }
            // The BMC password never reached the bus.
            let password = try #require(stack.bmcs?.bmcs[target]?.password)
            try require(!stack.auditor.alerts.contains { "\($0)".contains(password) }, "a BMC password in an alert")

            // An operator powers the node on: a new boot, the node is cleaned.
            try await stack.cluster.setPower(on: true, node: target)
            try await stack.waitUntilNodeClean(target, timeout: .seconds(180))
            let bootAfter = try await stack.kube.get(Node.self, name: target).status?.nodeInfo?.bootID ?? ""
            try require(!bootAfter.isEmpty && bootAfter != bootBefore, "boot ID \(bootBefore) → \(bootAfter)")
        }
    }

    /// (t) The same zombie, but its BMC refuses the password in its Secret: the fence agent fails
    /// (nothing is deleted), the ladder asks a human, who approves naming the node's boot ID. On
    /// 1.26+ the proven node also gets `node.kubernetes.io/out-of-service` (the fast path:
    /// Kubernetes detaches at once); on older clusters podmon's flow alone. The zombie's writes are
    /// refused (its volumes were unpublished); after a reboot node-cleanup removes both taints.
    @Test func approvalMovesThePodWhenTheFenceAgentFails() async throws {
        let stack = try await Self.ladderStack()
        try await stack.scenario("kubelet-down zombie, wrong BMC password, approval") {
            let namespace = try await stack.makeNamespace("approve")
            let target = stack.nodeNames[2]
            try await Self.withFenceAgentSecret(stack, node: target, { $0.secret(for: $1, node: target, password: "not-the-password") }) {
                let boot = try await stack.kube.get(Node.self, name: target).status?.nodeInfo?.bootID ?? ""
                let fastPath = try await stack.kube.serverVersion().isAtLeast(1, 26)
                let workload = ProtectedWorkload(name: "adb", families: [.powerstore], preferredNode: target)
                let old = try await Self.zombieAwaitingApproval(stack, node: target, namespace: namespace, workload: workload, timeout: .seconds(120))
                try await stack.kube.update(Node.self, name: target) { node in
                    node.metadata.annotations = (node.metadata.annotations ?? [:]).merging(["podguard.io/fence-approval": "approve:\(boot)"]) { $1 }
                }
                let new = try await stack.waitForPods(workload, namespace: namespace, replacing: [old], timeout: .seconds(240))[0]
                try require(new.node != target, "replacement on the failed node")
                let record = try #require(stack.auditor.fenceRecords(podUID: old.uid).last)
                try require(record.phase == .podDeleted && record.nodeProvenBy == .approval,
                            "record \(record.phase), proven by \(record.nodeProvenBy)")
                let outOfService = record.taintsApplied.contains { $0.key == "node.kubernetes.io/out-of-service" }
                try require(outOfService == fastPath, "out-of-service taint applied: \(outOfService), cluster has it: \(fastPath)")
                try require((stack.cluster.refusedWrites[.powerstore]?[target] ?? 0) > 0 || fastPath,
                            "the zombie's writes were not refused")

                // The node is rebooted (the zombie ends); node-cleanup removes every taint podguard added.
                try await stack.cluster.inject(.reboot, on: target)
                try await stack.cluster.recover(.reboot, on: target)
                try await stack.waitUntilNodeClean(target, timeout: .seconds(180))
                try await Wait.until("the out-of-service taint removed", timeout: .seconds(60)) {
                    !(try await stack.kube.get(Node.self, name: target).taints.contains { $0.key == "node.kubernetes.io/out-of-service" })
                }
            }
        }
    }

    /// (u) The kubelet stops, the fence agent cannot reach the BMC (its Secret names a port nobody
    /// serves), so the ladder waits at approval; before anyone answers, the kubelet comes back. The
    /// climb is abandoned, the waiting remediation aborts NODE_NOT_PROVEN_SAFE, and the pod — never
    /// deleted — runs on where it was.
    @Test func nodeThatReturnsBeforeItIsProvenIsLeftAlone() async throws {
        let stack = try await Self.ladderStack()
        try await stack.scenario("node back before the proof") {
            let namespace = try await stack.makeNamespace("back")
            let target = stack.nodeNames[0]
            try await Self.withFenceAgentSecret(stack, node: target, { $0.secret(for: $1, node: target, port: try FreePort.loopbackUDP()) }) {
                let workload = ProtectedWorkload(name: "bdb", families: [.powerstore], preferredNode: target)
                let old = try await Self.zombieAwaitingApproval(stack, node: target, namespace: namespace, workload: workload)
                try await stack.cluster.recover(.kubeletDown, on: target)
                try await Wait.until("the node's remediation abandoned", timeout: .seconds(90)) {
                    try await stack.nodeRemediation(of: target)?.state == .abandoned
                }
                try await Wait.until("the waiting remediation aborted", timeout: .seconds(60)) {
                    stack.auditor.fenceRecords(podUID: old.uid).last?.phase == .aborted
                }
                let record = try #require(stack.auditor.fenceRecords(podUID: old.uid).last)
                try require(record.abortReason == .nodeNotProvenSafe || record.abortReason == .safetyCheckFailed,
                            "aborted \(record.abortReason): \(record.abortMessage)")
                try require(stack.auditor.forcedDeletion(uid: old.uid) == nil, "the pod was deleted")
                let current = try #require(try await stack.currentPod(old.name, namespace: namespace))
                try require(current.uid == old.uid, "the pod was replaced")
                try await stack.waitUntilNodeClean(target, timeout: .seconds(120))
                try await stack.forgetNodeRemediation(of: target)
            }
        }
    }

    /// (v) The same unreachable BMC, but a human denies naming the boot ID (and a reason): the
    /// climb ends DENIED, the waiting remediation aborts NODE_NOT_PROVEN_SAFE with the reason,
    /// nothing is deleted or unpublished while the node is down; the kubelet comes back and the pod
    /// runs on where it was.
    @Test func deniedApprovalLeavesThePodWhereItIs() async throws {
        let stack = try await Self.ladderStack()
        try await stack.scenario("approval denied") {
            let namespace = try await stack.makeNamespace("deny")
            let target = stack.nodeNames[1]
            try await Self.withFenceAgentSecret(stack, node: target, { $0.secret(for: $1, node: target, port: try FreePort.loopbackUDP()) }) {
                let boot = try await stack.kube.get(Node.self, name: target).status?.nodeInfo?.bootID ?? ""
                let workload = ProtectedWorkload(name: "ddb", families: [.powerstore], preferredNode: target)
                let old = try await Self.zombieAwaitingApproval(stack, node: target, namespace: namespace, workload: workload)
                try await stack.kube.update(Node.self, name: target) { node in
                    node.metadata.annotations = (node.metadata.annotations ?? [:])
                        .merging(["podguard.io/fence-approval": "deny:\(boot):the rack still has power"]) { $1 }
                }
                try await Wait.until("the node's remediation denied", timeout: .seconds(60)) {
                    try await stack.nodeRemediation(of: target)?.state == .denied
                }
                try await Wait.until("the waiting remediation aborted", timeout: .seconds(60)) {
                    stack.auditor.fenceRecords(podUID: old.uid).last?.phase == .aborted
                }
                let record = try #require(stack.auditor.fenceRecords(podUID: old.uid).last)
                try require(record.abortReason == .nodeNotProvenSafe && record.abortMessage.contains("the rack still has power"),
                            "aborted \(record.abortReason): \(record.abortMessage)")
                try require(record.volumes.allSatisfy { !$0.fenced }, "a volume was unpublished without a proof")
                try require(stack.auditor.forcedDeletion(uid: old.uid) == nil, "the pod was deleted")
                try await Wait.until("NodeFenceDenied alert", timeout: .seconds(30)) {
                    stack.auditor.alerts.contains { $0.reason == "NodeFenceDenied" && $0.nodeName == target }
                }

                try await stack.cluster.recover(.kubeletDown, on: target)
                let current = try #require(try await stack.currentPod(old.name, namespace: namespace))
                try require(current.uid == old.uid, "the pod was replaced")
                try await stack.waitUntilNodeClean(target, timeout: .seconds(120))
                // The denial holds for this boot: the next scenario on this node starts from no record.
                try await stack.forgetNodeRemediation(of: target)
                try await stack.kube.update(Node.self, name: target) { node in
                    node.metadata.annotations?["podguard.io/fence-approval"] = nil
                }
            }
        }
    }
}
