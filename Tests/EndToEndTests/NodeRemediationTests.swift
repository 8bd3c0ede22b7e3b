import ArrayFamily
import Contracts
import Foundation
import Harness
import Kube
import NodeSimulator
import PodguardStack
import TestSupport
import Testing

extension EndToEndTests {
    /// Three nodes, PowerStore and a generic CSI driver, a simulated BMC per node and the cluster's
    /// ladder storage → fence agent → approval; medik8s's Fence Agents Remediation CRDs and
    /// template for the external step, which two named ladders a scenario gives one node by label
    /// climb: `provider` (storage → external → approval) and `silent-provider` (20 s rungs).
    static func ladderStack() async throws -> PodguardStack {
        var configuration = PodguardStackConfiguration(nodes: 3, families: [.powerstore, .generic])
        configuration.nodeBMCs = true
        configuration.externalRemediation = true
        configuration.remediationLadder = "storage:5m fence-agent:2m approval:10m"
        configuration.remediationLadders = ["provider=storage:5m external:2m approval:10m",
                                            "silent-provider=storage:5m external:20s approval:20s"]
        return try await SharedStacks.shared.stack("ladder", configuration)
    }

    /// Runs `body` with `node` labelled to climb the named ladder `ladder`; the label is removed after.
    static func withLadder(_ stack: PodguardStack, node: String, _ ladder: String, _ body: () async throws -> Void) async throws {
        try await stack.kube.update(Node.self, name: node) { node in
            node.metadata.labels = (node.metadata.labels ?? [:]).merging(["podguard.io/remediation-ladder": ladder]) { $1 }
        }
        try await body()
        try await stack.kube.update(Node.self, name: node) { node in
            node.metadata.labels?["podguard.io/remediation-ladder"] = nil
        }
    }

    /// The Fence Agents Remediation CR fencing's external step made for `node`, if any.
    static func remediationCR(_ stack: PodguardStack, node: String) async throws -> JSONValue? {
        let bmcs = try #require(stack.bmcs)
        return try await stack.kube.getObject(Medik8sCRDs.remediation, name: node, namespace: bmcs.secretNamespace)
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

    /// The kubelet of a node nothing proved safe comes back: the pod it kept runs on under its own
    /// identity, the node is cleaned, and its record is forgotten for the next scenario on it.
    static func kubeletReturnsAndThePodRunsOn(_ stack: PodguardStack, node: String, pod old: DeployedPod, namespace: String) async throws {
        try await stack.cluster.recover(.kubeletDown, on: node)
        let current = try #require(try await stack.currentPod(old.name, namespace: namespace))
        try require(current.uid == old.uid, "the pod was replaced")
        try await stack.waitUntilNodeClean(node, timeout: .seconds(120))
        try await stack.forgetNodeRemediation(of: node)
    }

    /// (s) The kubelet stops but its containers go on writing: the array sees the node connected
    /// and writing, so the storage cannot prove the node safe (podmon stops here until someone
    /// reboots the node). The ladder's fence agent powers the node off through its BMC
    /// (fence_ipmilan against ipmi_sim, whose chassis control switches the simulated node), OFF
    /// confirmed; then the pod is fenced and deleted and its replacement runs elsewhere — no
    /// reboot by hand. Powered on again, the node boots with a new boot ID and is cleaned.
    /// (s, generic) The same with a generic CSI driver, which has no connectivity check at all:
    /// validation fails NO_ARRAY_PROOF, and the ladder's fence agent is the only proof.
    @Test(arguments: [ArrayFamilyID.powerstore, .generic])
    func zombieNodeIsPoweredOffByItsFenceAgentAndThePodMoves(family: ArrayFamilyID) async throws {
        let stack = try await Self.ladderStack()
        try await stack.scenario("kubelet-down zombie, fence agent, \(family.rawValue)") {
            let namespace = try await stack.makeNamespace("ladder")
            let target = stack.nodeNames[1]
            let bootBefore = try await stack.kube.get(Node.self, name: target).status?.nodeInfo?.bootID ?? ""
            let workload = ProtectedWorkload(name: family == .generic ? "gdb" : "ldb", families: [family], preferredNode: target)
            let old = try await stack.deploy(workload, namespace: namespace)[0]
            try require(old.node == target, "pod started on \(old.node), not \(target)")

            try await stack.cluster.inject(.kubeletDown, on: target)
            // (On 1.26+ the out-of-service taint lets Kubernetes's pod GC delete the pod as soon as
            // fencing does: either may be first; the auditor checks every deletion.)
            let new = try await stack.waitForPods(workload, namespace: namespace, replacing: [old], timeout: .seconds(240))[0]
            try require(new.node != target, "replacement on the failed node")
            try require(try stack.cluster.isPoweredOn(target) == false, "\(target) still powered on")
            let record = try #require(stack.auditor.fenceRecords(podUID: old.uid).last)
            try require(record.phase == .podDeleted, "record \(record.phase)")
            if family == .generic {
                // No array can answer for a generic driver, before or after the power-off.
                try require(record.nodeProvenBy == .fenceAgent, "proven by \(record.nodeProvenBy): \(record.transitions.map(\.message))")
            } else {
                // Powered off, the node's array sessions end too: the validation goes ahead on the
                // node's proof, or on the array's "disconnected, idle" that the power-off brought about.
                try require(record.nodeProvenBy == .fenceAgent
                            || record.transitions.contains { $0.phase == .validated && $0.message.contains("disconnected") },
                            "validated on neither the proof nor the array: \(record.transitions.map(\.message))")
            }
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
            if family == .generic {
                try require(nodeRecord.storageFailure.contains("no connectivity check"), "storage step: \(nodeRecord.storageFailure)")
                // No podguard taint for a driver not named in families.genericDrivers, so no
                // out-of-service taint either: node-cleanup would never take it off.
                try require(record.taintsApplied.isEmpty, "taints \(record.taintsApplied.map(\.key))")
            }
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

                // The node is rebooted (the zombie ends); node-cleanup removes every taint podguard added (the out-of-service one too).
                try await stack.cluster.inject(.reboot, on: target)
                try await stack.cluster.recover(.reboot, on: target)
                try await stack.waitUntilNodeClean(target, timeout: .seconds(180))
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

                // The denial holds for this boot: the next scenario on this node starts from no record.
                try await Self.kubeletReturnsAndThePodRunsOn(stack, node: target, pod: old, namespace: namespace)
                try await stack.kube.update(Node.self, name: target) { node in
                    node.metadata.annotations?["podguard.io/fence-approval"] = nil
                }
            }
        }
    }

    /// (w) ExternalRemediation, medik8s's contract: the node's ladder names the external step, so
    /// for the kubelet-down zombie fencing creates a FenceAgentsRemediation from the template,
    /// named after the node, and deletes nothing until the provider answers. The scenario plays
    /// the provider: it powers the node off and reports Succeeded; the pod moves. Powered on, the
    /// node is back with a new boot ID: fencing deletes the CR and node-cleanup removes the taints.
    @Test func externalRemediationProviderFencesTheNodeAndThePodMoves() async throws {
        let stack = try await Self.ladderStack()
        try await stack.scenario("kubelet-down zombie, ExternalRemediation") {
            let namespace = try await stack.makeNamespace("external")
            let target = stack.nodeNames[0]
            let bmcs = try #require(stack.bmcs)
            try await Self.withLadder(stack, node: target, "provider") {
                let bootBefore = try await stack.kube.get(Node.self, name: target).status?.nodeInfo?.bootID ?? ""
                let workload = ProtectedWorkload(name: "edb", families: [.powerstore], preferredNode: target)
                let old = try await stack.deploy(workload, namespace: namespace)[0]
                try require(old.node == target, "pod started on \(old.node), not \(target)")
                try await stack.cluster.inject(.kubeletDown, on: target)

                var cr: JSONValue?
                try await Wait.until("the FenceAgentsRemediation CR", timeout: .seconds(120)) {
                    cr = try await Self.remediationCR(stack, node: target)
                    return cr != nil
                }
                try require(cr?["spec"]?["agent"]?.stringValue == "fence_ipmilan", "not the template's spec: \(String(describing: cr))")
                try require(stack.auditor.forcedDeletion(uid: old.uid) == nil, "the pod was deleted before the provider answered")
                try require(try stack.cluster.isPoweredOn(target), "nobody but the provider may power the node off")

                // The provider fences the node, then reports success on the CR's status.
                try await stack.cluster.setPower(on: false, node: target)
                guard var reported = try await Self.remediationCR(stack, node: target) else { throw TestFailure("the CR went away") }
                reported["status"] = .object(["conditions": .array([
                    .object(["type": .string("Processing"), "status": .string("False"), "reason": .string("RemediationFinishedSuccessfully")]),
                    .object(["type": .string("Succeeded"), "status": .string("True"), "reason": .string("RemediationFinishedSuccessfully")]),
                ])])
                _ = try await stack.kube.replaceObject(Medik8sCRDs.remediation, reported, name: target,
                                                       namespace: bmcs.secretNamespace, subresource: "status")

                let new = try await stack.waitForPods(workload, namespace: namespace, replacing: [old], timeout: .seconds(240))[0]
                // (On 1.26+ the out-of-service taint lets Kubernetes's pod GC delete the pod as
                // soon as fencing does: either may be first.)
                try require(new.node != target, "replacement on the failed node")
                let record = try #require(stack.auditor.fenceRecords(podUID: old.uid).last)
                try require(record.phase == .podDeleted, "record \(record.phase)")
                // Powered off, the node's array sessions end too: the validation goes ahead on the
                // provider's proof, or on the array's "disconnected, idle" the power-off brought about.
                try require(record.nodeProvenBy == .external
                            || record.transitions.contains { $0.phase == .validated && $0.message.contains("disconnected") },
                            "validated on neither the proof nor the array: \(record.transitions.map(\.message))")
                try await Wait.until("the node proven by the provider", timeout: .seconds(60)) {
                    let node = try await stack.nodeRemediation(of: target)
                    return node?.state == .proven && node?.provenBy == .external
                }
                let nodeRecord = try #require(try await stack.nodeRemediation(of: target))
                try require(nodeRecord.externalRemediation == "\(bmcs.secretNamespace)/\(target)", "CR \(nodeRecord.externalRemediation)")
                try require(try await Self.remediationCR(stack, node: target) != nil, "the CR went while the node is out")

                // The node is powered on: new boot, Ready; the CR goes and the node is cleaned.
                try await stack.cluster.setPower(on: true, node: target)
                try await Wait.until("the CR deleted once the node is back", timeout: .seconds(120)) {
                    try await Self.remediationCR(stack, node: target) == nil
                }
                try await stack.waitUntilNodeClean(target, timeout: .seconds(180))
                let bootAfter = try await stack.kube.get(Node.self, name: target).status?.nodeInfo?.bootID ?? ""
                try require(!bootAfter.isEmpty && bootAfter != bootBefore, "boot ID \(bootBefore) → \(bootAfter)")
                try await stack.forgetNodeRemediation(of: target)
            }
        }
    }

    /// (x) The provider never answers and nobody approves: the external rung times out and its CR
    /// is withdrawn, approval is asked and times out; the ladder is exhausted, a critical alert
    /// says so, and nothing else happens — the pod's remediation aborts NODE_NOT_PROVEN_SAFE,
    /// nothing is unpublished, deleted or powered off. The kubelet comes back; the pod runs on.
    @Test func silentProviderAndNoApprovalExhaustTheLadder() async throws {
        let stack = try await Self.ladderStack()
        try await stack.scenario("silent provider, approval timed out") {
            let namespace = try await stack.makeNamespace("exhaust")
            let target = stack.nodeNames[2]
            try await Self.withLadder(stack, node: target, "silent-provider") {
                let workload = ProtectedWorkload(name: "xdb", families: [.powerstore], preferredNode: target)
                let old = try await stack.deploy(workload, namespace: namespace)[0]
                try require(old.node == target, "pod started on \(old.node), not \(target)")
                try await stack.cluster.inject(.kubeletDown, on: target)

                try await Wait.until("the FenceAgentsRemediation CR", timeout: .seconds(120)) {
                    try await Self.remediationCR(stack, node: target) != nil
                }
                try await Wait.until("the ladder exhausted", timeout: .seconds(120)) {
                    try await stack.nodeRemediation(of: target)?.state == .exhausted
                }
                let nodeRecord = try #require(try await stack.nodeRemediation(of: target))
                try require(nodeRecord.history.map(\.result) == [.failed, .timedOut, .timedOut],
                            "rungs \(nodeRecord.history.map { "\($0.step): \($0.result)" })")
                try require(try await Self.remediationCR(stack, node: target) == nil, "the silent provider's CR was not withdrawn")
                try await Wait.until("NodeRemediationExhausted alert", timeout: .seconds(30)) {
                    stack.auditor.alerts.contains { $0.reason == "NodeRemediationExhausted" && $0.nodeName == target && $0.severity == .critical }
                }
                try await Wait.until("the waiting remediation aborted", timeout: .seconds(60)) {
                    stack.auditor.fenceRecords(podUID: old.uid).contains { $0.phase == .aborted && $0.abortReason == .nodeNotProvenSafe }
                }
                for record in stack.auditor.fenceRecords(podUID: old.uid) {
                    try require(record.volumes.allSatisfy { !$0.fenced }, "a volume was unpublished without a proof")
                }
                try require(stack.auditor.forcedDeletion(uid: old.uid) == nil, "the pod was deleted")
                try require(try stack.cluster.isPoweredOn(target), "the node was powered off")

                try await Self.kubeletReturnsAndThePodRunsOn(stack, node: target, pod: old, namespace: namespace)
            }
        }
    }
}
