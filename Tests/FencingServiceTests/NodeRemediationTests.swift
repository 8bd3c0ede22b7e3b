import ArrayFamily
import BusService
import Contracts
import CSISimulator
import FenceAgents
import FencingCore
import FencingService
import Foundation
import Harness
import Kube
import Policy
import ServiceKit
import Synchronization
import Testing

/// The node remediation ladder in the fencing service, against a real nats-server, the real
/// control plane, the real adapters and — for the fence-agent step — the real `fence_ipmilan`
/// driving OpenIPMI's `ipmi_sim`. The array keeps saying the node is connected throughout, so only
/// the ladder can prove the node safe.
@Suite("node remediation: the ladder in fencing", .serialized)
struct NodeRemediationTests {
    static func settings(ladder: String, namespace: String, outOfService: NodeRemediationSettings.OutOfServiceTaint = .always,
                         maxConcurrentNodes: Int? = 2, external: Bool = false) throws -> FencingSettings {
        var settings = FencingBed.settings("fencing-a")
        settings.remediation = NodeRemediationSettings(
            ladders: RemediationLadders(cluster: try RemediationLadder.parse(ladder, duration: DurationParser.parse)),
            secretNamespace: namespace, secretPrefix: "bmc-", agentTimeout: .seconds(30), pollInterval: .milliseconds(200),
            outOfServiceTaint: outOfService, maxConcurrentNodes: maxConcurrentNodes,
            externalTemplate: external ? ExternalRemediationTemplate(group: Medik8sCRDs.group, version: Medik8sCRDs.version,
                                                                     templateKind: "FenceAgentsRemediationTemplate",
                                                                     namespace: namespace, name: "far") : nil)
        return settings
    }

    /// The node's fence agent Secret, pointing at the simulated BMC.
    static func bmcSecret(_ bmc: IPMISimulatorProcess, node: String, namespace: String, password: String? = nil) -> Secret {
        bmc.fenceAgentSecret(name: "bmc-\(node)", namespace: namespace, password: password)
    }

    static func nodeRecord(_ bed: FencingBed, _ node: String) async throws -> Podguard_V1_NodeRemediationRecord? {
        let store = NodeRemediationStore(try await bed.jetStream.keyValue(BusTopology.standard.nodeRemediationsBucket))
        return try await store.read(key: PodguardKeys.node(node))?.record
    }

    static func annotate(_ bed: FencingBed, _ node: String, _ value: String) async throws {
        try await bed.kube.update(Node.self, name: node) { node in
            node.metadata.annotations = (node.metadata.annotations ?? [:]).merging(["podguard.io/fence-approval": value]) { $1 }
        }
    }

    @Test("the array says connected; the fence agent powers the node off through its BMC, OFF confirmed, then the pod moves")
    func fenceAgentProvesTheNode() async throws {
        let bmc = try await IPMISimulatorProcess.start()
        defer { bmc.stop() }
        try await FencingBed.with { bed in
            try await bed.startFencing(Self.settings(ladder: "storage:5m fence-agent:2m approval:5m", namespace: bed.namespace))
            let node = try await bed.makeNode(bootID: "boot-a")
            let name = node.metadata.name!
            _ = try await bed.kube.create(Self.bmcSecret(bmc, node: name, namespace: bed.namespace))
            let (pod, volumes) = try await bed.makePod("pg-0", on: node)
            let request = bed.request(for: pod, node: node, volumes: volumes)
            try await bed.submit(request)

            let record = try await bed.terminalRecord(pod.metadata.uid!, timeout: .seconds(120))
            #expect(record.phase == .podDeleted, "\(record.abortReason): \(record.abortMessage)")
            #expect(record.nodeProvenBy == .fenceAgent)
            #expect(!record.awaitingNodeRemediation.isEmpty)
            #expect(bmc.powerIsOn == false && bmc.powerChanges == [false], "the BMC powered the node off once: \(bmc.powerChanges)")
            #expect(try await bed.pod("pg-0") == nil)
            #expect(record.volumes.allSatisfy { $0.fenced && $0.attachmentDeleted })
            // The fast path: powered off, the node is out of service (with the podguard taint).
            #expect(record.taintsApplied.map(\.key).contains("node.kubernetes.io/out-of-service"))
            let taints = try await bed.node(name).taints
            #expect(taints.contains { $0.key == "node.kubernetes.io/out-of-service" && $0.value == "nodeshutdown" && $0.effect == "NoExecute" })
            #expect(taints.contains { $0.key == "vxflexos.podmon.storage.dell.com" })
            let nodeRecord = try #require(try await Self.nodeRecord(bed, name))
            #expect(nodeRecord.state == .proven && nodeRecord.provenBy == .fenceAgent && nodeRecord.bootID == "boot-a")
            #expect(nodeRecord.history.map(\.step) == [.storage, .fenceAgent])
            #expect(nodeRecord.history.first?.detail.contains("connected") == true, "\(nodeRecord.history)")
            #expect(nodeRecord.remediationID == record.awaitingNodeRemediation)
            try await eventually("NodeRemediationStarted and NodeProvenSafe alerts") {
                let reasons = Set(bed.alerts.withLock { $0.filter { $0.nodeName == name }.map(\.reason) })
                return reasons.isSuperset(of: ["NodeRemediationStarted", "NodeProvenSafe"])
            }
            // The BMC password is in no alert.
            #expect(bed.alerts.withLock { $0.allSatisfy { !"\($0)".contains(bmc.password) } })
            try? await bed.kube.delete(Node.self, name: name)
        }
    }

    @Test("a wrong BMC password fails the fence agent: nothing is deleted, approval is asked; an answer for another boot is ignored, the right one moves the pod")
    func wrongPasswordThenApproval() async throws {
        let bmc = try await IPMISimulatorProcess.start()
        defer { bmc.stop() }
        try await FencingBed.with { bed in
            try await bed.startFencing(Self.settings(ladder: "storage:5m fence-agent:2m approval:5m", namespace: bed.namespace,
                                                     outOfService: .never))
            let node = try await bed.makeNode(bootID: "boot-b")
            let name = node.metadata.name!
            _ = try await bed.kube.create(Self.bmcSecret(bmc, node: name, namespace: bed.namespace, password: "wrong-password"))
            let (pod, volumes) = try await bed.makePod("pg-0", on: node)
            try await bed.submit(bed.request(for: pod, node: node, volumes: volumes))

            try await eventually("approval asked", timeout: .seconds(90)) {
                bed.alerts.withLock { $0.contains { $0.reason == "NodeFenceApprovalRequired" && $0.nodeName == name } }
            }
            let asked = try #require(try await Self.nodeRecord(bed, name))
            #expect(asked.history.map(\.step) == [.storage, .fenceAgent])
            #expect(asked.history.last?.result == .failed)
            #expect(!asked.history.last!.detail.contains("wrong-password"), "the password is never in the record")
            #expect(bmc.powerIsOn != false && bmc.powerChanges.isEmpty, "the wrong password changed nothing")
            #expect(try await bed.pod("pg-0") != nil, "a failed fence is the next step, never a force delete")

            try await Self.annotate(bed, name, "approve:boot-a")
            try await Task.sleep(for: .seconds(1))
            #expect(try await Self.nodeRecord(bed, name)?.state == .climbing, "an approval of another boot proves nothing")
            #expect(try await bed.pod("pg-0") != nil)

            try await Self.annotate(bed, name, "approve:boot-b")
            let record = try await bed.terminalRecord(pod.metadata.uid!, timeout: .seconds(60))
            #expect(record.phase == .podDeleted, "\(record.abortReason): \(record.abortMessage)")
            #expect(record.nodeProvenBy == .approval)
            #expect(try await Self.nodeRecord(bed, name)?.state == .proven)
            #expect(!(try await bed.node(name).taints.contains { $0.key == "node.kubernetes.io/out-of-service" }),
                    "remediation.outOfServiceTaint never: podmon's flow only")
            try? await bed.kube.delete(Node.self, name: name)
        }
    }

    @Test("a generic CSI driver (no connectivity check) climbs the ladder: NO_ARRAY_PROOF, approval, then fenced and moved")
    func genericDriverClimbsTheLadder() async throws {
        try await FencingBed.with(families: [.generic]) { bed in
            try await bed.startFencing(Self.settings(ladder: "storage:5m approval:5m", namespace: bed.namespace, outOfService: .never))
            let node = try await bed.makeNode(bootID: "boot-g")
            let name = node.metadata.name!
            let (pod, volumes) = try await bed.makePod("pg-0", on: node, families: [.generic])
            try await bed.submit(bed.request(for: pod, node: node, volumes: volumes))

            try await eventually("approval asked", timeout: .seconds(60)) {
                bed.alerts.withLock { $0.contains { $0.reason == "NodeFenceApprovalRequired" && $0.nodeName == name } }
            }
            let asked = try #require(try await Self.nodeRecord(bed, name))
            #expect(asked.storageFailure.contains("no connectivity check"), "\(asked.storageFailure)")
            #expect(asked.history.map(\.step) == [.storage])
            let waiting = try #require(try await bed.record(pod.metadata.uid!))
            #expect(waiting.awaitingNodeRemediation == asked.remediationID && waiting.phase == .requested)
            #expect(try await bed.pod("pg-0") != nil, "nothing moves without a proof")
            #expect(!bed.sims[.generic]!.mappings(of: volumes[0].handle).isEmpty)

            try await Self.annotate(bed, name, "approve:boot-g")
            let record = try await bed.terminalRecord(pod.metadata.uid!, timeout: .seconds(60))
            #expect(record.phase == .podDeleted, "\(record.abortReason): \(record.abortMessage)")
            #expect(record.nodeProvenBy == .approval && record.nodeProvenBootID == "boot-g")
            #expect(bed.sims[.generic]!.mappings(of: volumes[0].handle).isEmpty, "the volume unpublished from the node")
            #expect(try await bed.pod("pg-0") == nil)
            try? await bed.kube.delete(Node.self, name: name)
        }
    }

    @Test("no fence agent Secret and a human denies: the pod remediation aborts NODE_NOT_PROVEN_SAFE, nothing changed")
    func deniedAborts() async throws {
        try await FencingBed.with { bed in
            try await bed.startFencing(Self.settings(ladder: "storage:5m fence-agent:2m approval:5m", namespace: bed.namespace))
            let node = try await bed.makeNode(bootID: "boot-c")
            let name = node.metadata.name!
            let (pod, volumes) = try await bed.makePod("pg-0", on: node)
            let request = bed.request(for: pod, node: node, volumes: volumes)
            try await bed.submit(request)
            try await eventually("approval asked", timeout: .seconds(60)) {
                bed.alerts.withLock { $0.contains { $0.reason == "NodeFenceApprovalRequired" && $0.nodeName == name } }
            }
            try await Self.annotate(bed, name, "deny:boot-c:rack 4 still has power")
            let record = try await bed.terminalRecord(pod.metadata.uid!, timeout: .seconds(60))
            #expect(record.phase == .aborted)
            #expect(record.abortReason == .nodeNotProvenSafe)
            #expect(record.abortMessage.contains("rack 4 still has power"), "\(record.abortMessage)")
            let nodeRecord = try #require(try await Self.nodeRecord(bed, name))
            #expect(nodeRecord.state == .denied)
            #expect(nodeRecord.history.map(\.result) == [.failed, .inapplicable, .denied])
            try await bed.expectNothingChanged(pod: pod, node: node, volumes: volumes)
            #expect(try await bed.eventNotes(podUID: pod.metadata.uid!).contains { $0.hasSuffix("node could not be proven safe") })
            try await eventually("NodeFenceDenied alert") { bed.alerts.withLock { $0.contains { $0.reason == "NodeFenceDenied" } } }
            try? await bed.kube.delete(Node.self, name: name)
        }
    }

    @Test("nobody answers: the approval times out, the ladder is exhausted, nothing is deleted, a critical alert says so")
    func approvalTimesOut() async throws {
        try await FencingBed.with { bed in
            try await bed.startFencing(Self.settings(ladder: "storage:5m approval:3s", namespace: bed.namespace))
            let node = try await bed.makeNode(bootID: "boot-d")
            let name = node.metadata.name!
            let (pod, volumes) = try await bed.makePod("pg-0", on: node)
            try await bed.submit(bed.request(for: pod, node: node, volumes: volumes))
            let record = try await bed.terminalRecord(pod.metadata.uid!, timeout: .seconds(60))
            #expect(record.abortReason == .nodeNotProvenSafe, "\(record.abortReason): \(record.abortMessage)")
            #expect(try await Self.nodeRecord(bed, name)?.state == .exhausted)
            try await bed.expectNothingChanged(pod: pod, node: node, volumes: volumes)
            try await eventually("NodeRemediationExhausted alert") {
                bed.alerts.withLock { $0.contains { $0.reason == "NodeRemediationExhausted" && $0.severity == .critical } }
            }
            try? await bed.kube.delete(Node.self, name: name)
        }
    }

    @Test("storm limit: with one climb allowed, a second unprovable node waits (alerted) until the first climb ends")
    func stormLimitHoldsTheSecondNode() async throws {
        try await FencingBed.with { bed in
            try await bed.startFencing(Self.settings(ladder: "storage:5m approval:5m", namespace: bed.namespace, maxConcurrentNodes: 1))
            let first = try await bed.makeNode(bootID: "boot-1")
            let second = try await bed.makeNode(bootID: "boot-2")
            let (pod1, volumes1) = try await bed.makePod("pg-0", on: first)
            try await bed.submit(bed.request(for: pod1, node: first, volumes: volumes1))
            try await eventually("the first node climbs") { try await Self.nodeRecord(bed, first.metadata.name!)?.state == .climbing }
            let (pod2, volumes2) = try await bed.makePod("pg-1", on: second)
            try await bed.submit(bed.request(for: pod2, node: second, volumes: volumes2))
            try await eventually("the second node is held back") {
                bed.alerts.withLock { $0.contains { $0.reason == "NodeRemediationLimitReached" && $0.nodeName == second.metadata.name! } }
            }
            #expect(try await Self.nodeRecord(bed, second.metadata.name!) == nil, "no climb started beyond the limit")
            #expect(try await bed.record(pod2.metadata.uid!)?.phase.isTerminal == false, "the held remediation waits, not aborts")

            try await Self.annotate(bed, first.metadata.name!, "deny:boot-1:checking")
            try await eventually("the second node climbs once the first ended") {
                try await Self.nodeRecord(bed, second.metadata.name!)?.state == .climbing
            }
            try await Self.annotate(bed, second.metadata.name!, "deny:boot-2:checking")
            #expect(try await bed.terminalRecord(pod2.metadata.uid!).abortReason == .nodeNotProvenSafe)
            for node in [first, second] { try? await bed.kube.delete(Node.self, name: node.metadata.name!) }
        }
    }

    // MARK: ExternalRemediation (medik8s)

    static func remediationCR(_ bed: FencingBed, node: String) async throws -> JSONValue? {
        try await bed.kube.getObject(Medik8sCRDs.remediation, name: node, namespace: bed.namespace)
    }

    /// Plays the provider: sets the CR's `Succeeded` condition.
    static func report(_ bed: FencingBed, node: String, succeeded: String, reason: String) async throws {
        guard var cr = try await remediationCR(bed, node: node) else { throw TestFailure("no remediation CR for \(node)") }
        cr["status"] = .object(["conditions": .array([
            .object(["type": .string("Processing"), "status": .string("False"), "reason": .string(reason)]),
            .object(["type": .string("Succeeded"), "status": .string(succeeded), "reason": .string(reason)]),
        ])])
        _ = try await bed.kube.replaceObject(Medik8sCRDs.remediation, cr, name: node, namespace: bed.namespace, subresource: "status")
    }

    @Test("ExternalRemediation: a CR from the template, named after the node; the provider's Succeeded moves the pod; the CR goes once the node is back")
    func externalProviderSucceeds() async throws {
        try await FencingBed.with { bed in
            try await Medik8sCRDs.installTemplate(bed.kube, namespace: bed.namespace)
            try await bed.startFencing(Self.settings(ladder: "storage:5m external:2m approval:5m", namespace: bed.namespace, external: true))
            let node = try await bed.makeNode(bootID: "boot-x")
            let name = node.metadata.name!
            let (pod, volumes) = try await bed.makePod("pg-0", on: node)
            try await bed.submit(bed.request(for: pod, node: node, volumes: volumes))

            var cr: JSONValue?
            try await eventually("the FenceAgentsRemediation CR") {
                cr = try await Self.remediationCR(bed, node: name)
                return cr != nil
            }
            #expect(cr?["spec"]?["agent"]?.stringValue == "fence_ipmilan", "the template's spec")
            #expect(cr?["spec"]?["remediationStrategy"]?.stringValue == "OutOfServiceTaint")
            #expect(cr?["metadata"]?["annotations"]?["remediation.medik8s.io/node-name"]?.stringValue == name)
            #expect(try await bed.pod("pg-0") != nil, "nothing deleted before the provider's answer")

            try await Self.report(bed, node: name, succeeded: "True", reason: "RemediationFinishedSuccessfully")
            let record = try await bed.terminalRecord(pod.metadata.uid!, timeout: .seconds(60))
            #expect(record.phase == .podDeleted, "\(record.abortReason): \(record.abortMessage)")
            #expect(record.nodeProvenBy == .external)
            let nodeRecord = try #require(try await Self.nodeRecord(bed, name))
            #expect(nodeRecord.state == .proven && nodeRecord.provenBy == .external)
            #expect(nodeRecord.externalRemediation == "\(bed.namespace)/\(name)")
            #expect(try await Self.remediationCR(bed, node: name) != nil, "the CR stays while the node is out")

            // The node comes back: its kubelet reports Ready; the CR is deleted.
            try await bed.kube.update(Node.self, name: name, subresource: "status") { node in
                node.status?.conditions = [NodeCondition(type: "Ready", status: "True", reason: "KubeletReady",
                                                         lastHeartbeatTime: Date(), lastTransitionTime: Date())]
            }
            try await eventually("the CR deleted once the node is back", timeout: .seconds(90)) {
                try await Self.remediationCR(bed, node: name) == nil
            }
            try await eventually("the record forgets the CR") { try await Self.nodeRecord(bed, name)?.externalRemediation.isEmpty == true }
            try? await bed.kube.delete(Node.self, name: name)
        }
    }

    @Test("ExternalRemediation: a provider silent past the rung's timeout has its CR withdrawn, and the next step runs; another remediator's CR is never taken over")
    func externalTimesOutAndForeignCRsAreLeftAlone() async throws {
        try await FencingBed.with { bed in
            try await Medik8sCRDs.installTemplate(bed.kube, namespace: bed.namespace)
            try await bed.startFencing(Self.settings(ladder: "storage:5m external:3s approval:5m", namespace: bed.namespace, external: true))
            let silent = try await bed.makeNode(bootID: "boot-s")
            let owned = try await bed.makeNode(bootID: "boot-o")
            // Another remediator already works on `owned`.
            let foreign = try JSONValue(data: Data("""
                {"apiVersion": "\(Medik8sCRDs.group)/\(Medik8sCRDs.version)", "kind": "FenceAgentsRemediation",
                 "metadata": {"name": "\(owned.metadata.name!)", "namespace": "\(bed.namespace)"}, "spec": {"agent": "fence_redfish"}}
                """.utf8))
            _ = try await bed.kube.createObject(Medik8sCRDs.remediation, foreign, namespace: bed.namespace)
            for (index, node) in [silent, owned].enumerated() {
                let (pod, volumes) = try await bed.makePod("pg-\(index)", on: node)
                try await bed.submit(bed.request(for: pod, node: node, volumes: volumes))
            }
            for node in [silent, owned] {
                try await eventually("approval asked for \(node.metadata.name!)", timeout: .seconds(60)) {
                    bed.alerts.withLock { $0.contains { $0.reason == "NodeFenceApprovalRequired" && $0.nodeName == node.metadata.name! } }
                }
            }
            let silentRecord = try #require(try await Self.nodeRecord(bed, silent.metadata.name!))
            #expect(silentRecord.history.map(\.result) == [.failed, .timedOut])
            #expect(silentRecord.externalRemediation.isEmpty)
            #expect(try await Self.remediationCR(bed, node: silent.metadata.name!) == nil, "the silent provider's CR withdrawn")
            let ownedRecord = try #require(try await Self.nodeRecord(bed, owned.metadata.name!))
            #expect(ownedRecord.history.map(\.result) == [.failed, .inapplicable])
            #expect(ownedRecord.history.last?.detail.contains("another remediator owns the node") == true)
            #expect(try await Self.remediationCR(bed, node: owned.metadata.name!)?["spec"]?["agent"]?.stringValue == "fence_redfish",
                    "the other remediator's CR untouched")
            for node in [silent, owned] { try? await bed.kube.delete(Node.self, name: node.metadata.name!) }
        }
    }
}
