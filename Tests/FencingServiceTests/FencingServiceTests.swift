import ArrayFamily
import Bus
import BusService
import Contracts
import CSI
import CSISimulator
import FencingCore
import FencingService
import Foundation
import Kube
import SwiftProtobuf
import Synchronization
import Testing

@Suite("fencing against a real nats-server, the real control plane and the real adapters", .serialized,
       .timeLimit(.minutes(5)))
struct FencingServiceTests {
    static let unreachable = "node.kubernetes.io/unreachable"

    /// The simulator's node1 loses its path to the volume's array: the array says "not connected".
    static func disconnect(_ bed: FencingBed, _ family: ArrayFamilyID = .powerflex) {
        let sim = bed.sims[family]!
        for array in sim.arrays { sim.inject(.path(host: "node1", array: array, down: true)) }
    }

    @Test("happy path: unmapped at the array, tainted, VolumeAttachments gone, Event recorded, pod force-deleted")
    func happyPath() async throws {
        try await FencingBed.with { bed in
            try await bed.startFencing(FencingBed.settings("fencing-a"))
            let node = try await bed.makeNode()
            let (pod, volumes) = try await bed.makePod("pg-0", on: node)
            Self.disconnect(bed)
            let request = bed.request(for: pod, node: node, volumes: volumes)
            try await bed.submit(request)

            let record = try await bed.terminalRecord(pod.metadata.uid!)
            #expect(record.phase == .podDeleted, "\(record.abortReason): \(record.abortMessage)")
            #expect(record.transitions.map(\.phase) == [.requested, .validated, .fenced, .tainted, .eventRecorded, .attachmentsDeleted, .podDeleted])
            #expect(record.owner.isEmpty)
            #expect(record.volumes.allSatisfy { $0.fenced && $0.attachmentDeleted })
            let sim = bed.sims[.powerflex]!
            #expect(sim.mappings(of: volumes[0].handle).isEmpty)
            // Once before the delete, once more after the pod and its attachments are gone.
            #expect(sim.callCount("ControllerUnpublishVolume") == 2)
            #expect(sim.violations.isEmpty)
            #expect(try await bed.node(node.metadata.name!).taints.contains { $0.key == "vxflexos.podmon.storage.dell.com" && $0.effect == "NoSchedule" })
            #expect(try await bed.attachmentExists(volumes[0].attachment) == false)
            #expect(try await bed.pod("pg-0") == nil)
            #expect(try await bed.eventNotes(podUID: pod.metadata.uid!).contains("podmon cleaning pod [\(pod.metadata.uid!) \(node.metadata.name!)] with force delete"))
            try await eventually("FenceCompleted alert") { bed.alerts(fenceID: request.fenceID).contains { $0.reason == "FenceCompleted" } }
            try? await bed.kube.delete(Node.self, name: node.metadata.name!)
        }
    }

    @Test("a fenced volume attached to its fenced node again before cleanup is unpublished again, its attachment deleted, a critical alert raised")
    func republicationCutOff() async throws {
        try await FencingBed.with { bed in
            var settings = FencingBed.settings("fencing-a")
            settings.republicationCheckEvery = .milliseconds(200)
            try await bed.startFencing(settings)
            let node = try await bed.makeNode()
            let (pod, volumes) = try await bed.makePod("pg-0", on: node, families: [.powerflex])
            Self.disconnect(bed)
            let request = bed.request(for: pod, node: node, volumes: volumes)
            try await bed.submit(request)
            let record = try await bed.terminalRecord(pod.metadata.uid!)
            #expect(record.phase == .podDeleted, "\(record.abortReason): \(record.abortMessage)")

            // What a stale attach/detach controller and the external attacher would do: a new
            // attachment to the fenced node, and the volume published there again.
            let sim = bed.sims[.powerflex]!
            try await CSIClient.withClient(address: CSIAddress(path: sim.socketPath)) { client in
                _ = try await client.controllerPublish(volumeID: volumes[0].handle, nodeID: sim.nodeID(of: "node1")!)
            }
            #expect(!sim.mappings(of: volumes[0].handle).isEmpty)
            var attachment = VolumeAttachment(name: "va-again-\(volumes[0].pv)")
            attachment.spec = VolumeAttachmentSpec(attacher: FencingBed.drivers[.powerflex]!, persistentVolumeName: volumes[0].pv,
                                                   nodeName: node.metadata.name!)
            _ = try await bed.kube.create(attachment)

            try await eventually("the volume unpublished from the fenced node again") { sim.mappings(of: volumes[0].handle).isEmpty }
            try await eventually("the attachment deleted") { try await !bed.attachmentExists("va-again-\(volumes[0].pv)") }
            try await eventually("FencedVolumeRepublished alert") {
                bed.alerts(fenceID: request.fenceID).contains { $0.reason == "FencedVolumeRepublished" && $0.severity == .critical }
            }
            try? await bed.kube.delete(Node.self, name: node.metadata.name!)
        }
    }

    @Test("six pods of one node at once: one taint, the VolumeAttachments named in the requests deleted, every pod force-deleted")
    func manyPodsOfOneNode() async throws {
        try await FencingBed.with { bed in
            try await bed.startFencing(FencingBed.settings("fencing-a"))
            let node = try await bed.makeNode()
            var pods: [(Pod, [FencingBed.Volume])] = []
            for index in 0..<6 { pods.append(try await bed.makePod("pg-\(index)", on: node)) }
            Self.disconnect(bed)
            for (pod, volumes) in pods {
                var request = bed.request(for: pod, node: node, volumes: volumes)
                // As decision sends it: the watcher saw each volume's VolumeAttachment.
                for index in request.volumes.indices { request.volumes[index].volumeAttachmentName = volumes[index].attachment }
                try await bed.submit(request)
            }
            for (pod, volumes) in pods {
                let record = try await bed.terminalRecord(pod.metadata.uid!)
                #expect(record.phase == .podDeleted, "\(record.abortReason): \(record.abortMessage)")
                #expect(record.volumes.allSatisfy { $0.fenced && $0.attachmentDeleted })
                #expect(try await bed.attachmentExists(volumes[0].attachment) == false)
                #expect(try await bed.pod(pod.metadata.name!) == nil)
            }
            let taints = try await bed.node(node.metadata.name!).taints.filter { $0.key == "vxflexos.podmon.storage.dell.com" }
            #expect(taints.count == 1)
            #expect(bed.sims[.powerflex]!.callCount("ControllerUnpublishVolume") == 12)
            #expect(bed.sims[.powerflex]!.violations.isEmpty)
            try? await bed.kube.delete(Node.self, name: node.metadata.name!)
        }
    }

    @Test("array still connected: abort with podmon's Event text, nothing changed")
    func arrayConnected() async throws {
        try await FencingBed.with { bed in
            try await bed.startFencing(FencingBed.settings("fencing-a"))
            let node = try await bed.makeNode()
            let (pod, volumes) = try await bed.makePod("pg-0", on: node)
            let request = bed.request(for: pod, node: node, volumes: volumes)
            try await bed.submit(request)

            let record = try await bed.terminalRecord(pod.metadata.uid!)
            #expect(record.phase == .aborted)
            #expect(record.abortReason == .arrayConnectedOrIo)
            try await Self.expectNothingChanged(bed, pod: pod, node: node, volumes: volumes)
            #expect(try await bed.eventNotes(podUID: pod.metadata.uid!)
                    .contains("podmon aborted pod cleanup [\(pod.metadata.uid!) \(node.metadata.name!)] array connected or recent I/O"))
            try await eventually("FenceAborted alert") {
                bed.alerts(fenceID: request.fenceID).contains { $0.reason == "FenceAborted" && $0.severity == .critical }
            }
            try? await bed.kube.delete(Node.self, name: node.metadata.name!)
        }
    }

    @Test("I/O in progress on a disconnected node: abort, nothing changed")
    func ioInProgress() async throws {
        try await FencingBed.with { bed in
            try await bed.startFencing(FencingBed.settings("fencing-a"))
            let node = try await bed.makeNode()
            let (pod, volumes) = try await bed.makePod("pg-0", on: node)
            Self.disconnect(bed)
            bed.sims[.powerflex]!.inject(.io(volume: volumes[0].handle, active: true))
            try await bed.submit(bed.request(for: pod, node: node, volumes: volumes))
            let record = try await bed.terminalRecord(pod.metadata.uid!)
            #expect(record.abortReason == .arrayConnectedOrIo)
            try await Self.expectNothingChanged(bed, pod: pod, node: node, volumes: volumes)
            try? await bed.kube.delete(Node.self, name: node.metadata.name!)
        }
    }

    static func expectNothingChanged(_ bed: FencingBed, pod: Pod, node: Node, volumes: [FencingBed.Volume]) async throws {
        for volume in volumes {
            #expect(bed.sims[volume.family]!.mappings(of: volume.handle) == ["node1"])
            #expect(try await bed.attachmentExists(volume.attachment))
        }
        #expect(bed.sims.values.allSatisfy { $0.callCount("ControllerUnpublishVolume") == 0 })
        #expect(try await bed.node(node.metadata.name!).taints.map(\.key).allSatisfy { !$0.hasSuffix("podmon.storage.dell.com") })
        #expect(try await bed.pod(pod.metadata.name!)?.metadata.uid == pod.metadata.uid)
    }

    @Test("a 'pending' unpublish is retried through the queue until it succeeds")
    func pendingRetried() async throws {
        try await FencingBed.with(pendingAttempts: 1) { bed in
            try await bed.startFencing(FencingBed.settings("fencing-a"))
            let node = try await bed.makeNode()
            let (pod, volumes) = try await bed.makePod("pg-0", on: node)
            Self.disconnect(bed)
            let sim = bed.sims[.powerflex]!
            sim.inject(.pending(method: "ControllerUnpublishVolume", count: 2))
            try await bed.submit(bed.request(for: pod, node: node, volumes: volumes))
            let record = try await bed.terminalRecord(pod.metadata.uid!)
            #expect(record.phase == .podDeleted, "\(record.abortReason): \(record.abortMessage)")
            #expect(record.retries == 2)
            #expect(record.volumes.first?.attempts == 4)
            #expect(sim.callCount("ControllerUnpublishVolume") == 4)
            #expect(sim.mappings(of: volumes[0].handle).isEmpty)
            try? await bed.kube.delete(Node.self, name: node.metadata.name!)
        }
    }

    @Test("no adapter answers for the family: retried, then CSI_UNAVAILABLE; nothing changed")
    func adapterUnavailable() async throws {
        try await FencingBed.with(adapters: []) { bed in
            try await bed.startFencing(FencingBed.settings("fencing-a"))
            let node = try await bed.makeNode()
            let (pod, volumes) = try await bed.makePod("pg-0", on: node)
            Self.disconnect(bed)
            try await bed.submit(bed.request(for: pod, node: node, volumes: volumes))
            let record = try await bed.terminalRecord(pod.metadata.uid!)
            #expect(record.abortReason == .csiUnavailable)
            #expect(record.retries == 3)
            try await Self.expectNothingChanged(bed, pod: pod, node: node, volumes: volumes)
            try? await bed.kube.delete(Node.self, name: node.metadata.name!)
        }
    }

    @Test("the pod was replaced (new uid): POD_REPLACED, the successor is not touched")
    func podReplaced() async throws {
        try await FencingBed.with { bed in
            try await bed.startFencing(FencingBed.settings("fencing-a"))
            let node = try await bed.makeNode()
            let (old, volumes) = try await bed.makePod("pg-0", on: node)
            Self.disconnect(bed)
            try await bed.kube.delete(Pod.self, name: "pg-0", namespace: bed.namespace, options: DeleteOptions(gracePeriodSeconds: 0))
            var successor = Pod(name: "pg-0", namespace: bed.namespace)
            successor.spec = PodSpec(containers: [Container(name: "main", image: "registry.invalid/app:1")], nodeName: node.metadata.name)
            let created = try await bed.kube.create(successor)
            try await bed.submit(bed.request(for: old, node: node, volumes: volumes))
            let record = try await bed.terminalRecord(old.metadata.uid!)
            #expect(record.abortReason == .podReplaced)
            #expect(try await bed.pod("pg-0")?.metadata.uid == created.metadata.uid)
            #expect(bed.sims[.powerflex]!.callCount("ControllerUnpublishVolume") == 0)
            try? await bed.kube.delete(Node.self, name: node.metadata.name!)
        }
    }

    @Test("dry run: the checks run, nothing changes, ABORTED/DRY_RUN and an alert")
    func dryRun() async throws {
        try await FencingBed.with { bed in
            try await bed.startFencing(FencingBed.settings("fencing-a"))
            let node = try await bed.makeNode()
            let (pod, volumes) = try await bed.makePod("pg-0", on: node)
            Self.disconnect(bed)
            let request = bed.request(for: pod, node: node, volumes: volumes, dryRun: true)
            try await bed.submit(request)
            let record = try await bed.terminalRecord(pod.metadata.uid!)
            #expect(record.abortReason == .dryRun)
            #expect(record.dryRun)
            #expect(record.abortMessage.contains("would fence"))
            try await Self.expectNothingChanged(bed, pod: pod, node: node, volumes: volumes)
            #expect(try await bed.eventNotes(podUID: pod.metadata.uid!).isEmpty)
            try await eventually("FenceDryRun alert") { bed.alerts(fenceID: request.fenceID).contains { $0.reason == "FenceDryRun" } }
            try? await bed.kube.delete(Node.self, name: node.metadata.name!)
        }
    }

    @Test("a pod with volumes of two families: each fenced through its own family's adapter, both taints")
    func twoFamilies() async throws {
        try await FencingBed.with(families: [.powerflex, .powerstore]) { bed in
            try await bed.startFencing(FencingBed.settings("fencing-a"))
            let node = try await bed.makeNode()
            let (pod, volumes) = try await bed.makePod("pg-0", on: node)
            Self.disconnect(bed, .powerflex)
            Self.disconnect(bed, .powerstore)
            try await bed.submit(bed.request(for: pod, node: node, volumes: volumes))
            let record = try await bed.terminalRecord(pod.metadata.uid!)
            #expect(record.phase == .podDeleted, "\(record.abortReason): \(record.abortMessage)")
            for volume in volumes {
                #expect(bed.sims[volume.family]!.mappings(of: volume.handle).isEmpty)
                #expect(bed.sims[volume.family]!.callCount("ControllerUnpublishVolume") == 2)
                #expect(try await bed.attachmentExists(volume.attachment) == false)
            }
            let keys = try await bed.node(node.metadata.name!).taints.map(\.key)
            #expect(keys.contains("vxflexos.podmon.storage.dell.com") && keys.contains("powerstore.podmon.storage.dell.com"))
            try? await bed.kube.delete(Node.self, name: node.metadata.name!)
        }
    }

    @Test("two replicas on one work queue: each request handled once")
    func twoReplicas() async throws {
        try await FencingBed.with { bed in
            try await bed.startFencing(FencingBed.settings("fencing-a"))
            try await bed.startFencing(FencingBed.settings("fencing-b"))
            let node = try await bed.makeNode()
            Self.disconnect(bed)
            var uids: [String] = []
            for index in 0..<4 {
                let (pod, volumes) = try await bed.makePod("pg-\(index)", on: node)
                try await bed.submit(bed.request(for: pod, node: node, volumes: volumes))
                uids.append(pod.metadata.uid!)
            }
            for uid in uids {
                let record = try await bed.terminalRecord(uid)
                #expect(record.phase == .podDeleted, "\(record.abortReason): \(record.abortMessage)")
                #expect(record.attempts == 1)
            }
            #expect(bed.sims[.powerflex]!.callCount("ControllerUnpublishVolume") == 8)
            try? await bed.kube.delete(Node.self, name: node.metadata.name!)
        }
    }

    static let crashPhases: [Podguard_V1_FencePhase] = [.validated, .fenced, .tainted, .eventRecorded]

    @Test("redelivery after a crash at each phase re-checks live (validation, unpublish) and repeats no recorded write", arguments: crashPhases)
    func resumeAfterCrash(_ phase: Podguard_V1_FencePhase) async throws {
        try await FencingBed.with { bed in
            try await bed.startFencing(FencingBed.settings("fencing-b"))
            let node = try await bed.makeNode()
            let (pod, volumes) = try await bed.makePod("pg-0", on: node)
            Self.disconnect(bed)
            let request = bed.request(for: pod, node: node, volumes: volumes)
            let fenced = phase.progress >= Podguard_V1_FencePhase.fenced.progress
            // The crashed replica's writes: its phases, the volume statuses it recorded, an owner gone stale.
            try await bed.submit(request) { record in
                record.phase = phase
                record.owner = "fencing/crashed"
                record.ownerRenewedAt = .init(date: Date().addingTimeInterval(-120))
                record.attempts = 1
                record.volumes = request.volumes.map { volume in
                    var status = Podguard_V1_FenceVolumeStatus()
                    status.volume = volume
                    status.fenced = fenced
                    return status
                }
            }
            let record = try await bed.terminalRecord(pod.metadata.uid!)
            #expect(record.phase == .podDeleted, "\(record.abortReason): \(record.abortMessage)")
            #expect(record.attempts == 2)
            let all: [Podguard_V1_FencePhase] = [.validated, .fenced, .tainted, .eventRecorded, .attachmentsDeleted, .podDeleted]
            #expect(record.transitions.filter { $0.by == "fencing/fencing-b" }.map(\.phase) == all.filter { $0.progress > phase.progress })
            let sim = bed.sims[.powerflex]!
            // The record is no proof: the volume is unpublished again before the delete, and once more after.
            #expect(sim.callCount("ControllerUnpublishVolume") == 2)
            #expect(try await bed.pod("pg-0") == nil)
            try? await bed.kube.delete(Node.self, name: node.metadata.name!)
        }
    }

    @Test("a crash after the delete intent: the pod found gone counts as deleted by this remediation")
    func resumeAfterDelete() async throws {
        try await FencingBed.with { bed in
            try await bed.startFencing(FencingBed.settings("fencing-b"))
            let node = try await bed.makeNode()
            let (pod, volumes) = try await bed.makePod("pg-0", on: node)
            try await bed.kube.delete(Pod.self, name: "pg-0", namespace: bed.namespace, options: DeleteOptions(gracePeriodSeconds: 0))
            try await bed.submit(bed.request(for: pod, node: node, volumes: volumes)) { record in
                record.phase = .eventRecorded
                record.podDeleteIssuedAt = .init(date: Date())
            }
            let record = try await bed.terminalRecord(pod.metadata.uid!)
            #expect(record.phase == .podDeleted)
            // Pod gone after the intent: its attachments and the second unpublish follow.
            #expect(bed.sims[.powerflex]!.callCount("ControllerUnpublishVolume") == 1)
            #expect(record.transitions.map(\.phase).suffix(2) == [.attachmentsDeleted, .podDeleted])
            try? await bed.kube.delete(Node.self, name: node.metadata.name!)
        }
    }

    @Test("a forged record at FENCED for a Ready pod: the live check refuses, the volume stays mapped, the pod stays")
    func forgedFencedRecord() async throws {
        try await FencingBed.with { bed in
            try await bed.startFencing(FencingBed.settings("fencing-b"))
            // A healthy node and a Ready pod; the array still sees the node connected.
            let node = try await bed.makeNode(unreachable: false)
            let (pod, volumes) = try await bed.makePod("pg-0", on: node)
            try await bed.kube.update(Pod.self, name: "pg-0", namespace: bed.namespace, subresource: "status") { pod in
                var status = pod.status ?? PodStatus()
                status.phase = "Running"
                status.conditions = [PodCondition(type: "Ready", status: "True")]
                pod.status = status
            }
            // An outsider on the bus writes a record claiming the node is already fenced, then the request.
            try await bed.submit(bed.request(for: pod, node: node, volumes: volumes)) { record in
                record.phase = .fenced
                record.volumes = record.request.volumes.map { volume in
                    var status = Podguard_V1_FenceVolumeStatus()
                    status.volume = volume
                    status.fenced = true
                    return status
                }
            }
            let record = try await bed.terminalRecord(pod.metadata.uid!)
            #expect(record.phase == .aborted)
            #expect(record.abortReason == .safetyCheckFailed)
            #expect(try await bed.pod("pg-0")?.metadata.uid == pod.metadata.uid)
            let sim = bed.sims[.powerflex]!
            #expect(sim.callCount("ControllerUnpublishVolume") == 0)
            #expect(!sim.mappings(of: volumes[0].handle).isEmpty)
            try? await bed.kube.delete(Node.self, name: node.metadata.name!)
        }
    }

    @Test("a record owned by another live replica is not taken over until its claim goes stale")
    func liveOwner() async throws {
        try await FencingBed.with { bed in
            var settings = FencingBed.settings("fencing-b")
            settings.takeoverAfter = .seconds(3)
            try await bed.startFencing(settings)
            let node = try await bed.makeNode()
            let (pod, volumes) = try await bed.makePod("pg-0", on: node)
            Self.disconnect(bed)
            try await bed.submit(bed.request(for: pod, node: node, volumes: volumes)) { record in
                record.owner = "fencing/alive"
                record.ownerRenewedAt = .init(date: Date())
            }
            try await Task.sleep(for: .seconds(1))
            #expect(try await bed.record(pod.metadata.uid!)?.owner == "fencing/alive")
            #expect(bed.sims[.powerflex]!.callCount("ControllerUnpublishVolume") == 0)
            let record = try await bed.terminalRecord(pod.metadata.uid!)
            #expect(record.phase == .podDeleted)
            #expect(record.attempts == 1)
            try? await bed.kube.delete(Node.self, name: node.metadata.name!)
        }
    }

    @Test("NodeTaintRequest: re-checked against the driver pod and the prober's verdict; add and remove keep another writer's taint; forged ones refused")
    func taintRequests() async throws {
        try await FencingBed.with { bed in
            try await bed.startFencing(FencingBed.settings("fencing-a"))
            let node = try await bed.makeNode(unreachable: false, taints: [Kube.Taint(key: "example.com/other", effect: "NoSchedule")])
            let name = node.metadata.name!
            let offline = "offline.vxflexos.storage.dell.com"
            let podguard = "vxflexos.podmon.storage.dell.com"
            func send(_ action: Podguard_V1_NodeTaintRequest.Action, _ key: String, uid: String? = nil,
                      reason: Podguard_V1_FenceReason = .driverPodOffline) async throws -> String {
                var request = Podguard_V1_NodeTaintRequest()
                request.requestID = UUID().uuidString.lowercased()
                request.nodeName = name
                request.nodeUid = uid ?? node.metadata.uid!
                request.taint.key = key
                request.taint.effect = .noSchedule
                request.action = action
                request.reason = reason
                try await bed.jetStream.publish(request, to: PodguardSubjects.standard.taintRequest(name), messageID: request.requestID)
                return request.requestID
            }
            func keys() async throws -> [String] { try await bed.node(name).taints.map(\.key) }
            func alert(_ id: String, _ reason: String) async throws {
                try await eventually("\(reason) for \(id)") { bed.alerts.withLock { $0.contains { $0.alertID == "taint.\(id)" && $0.reason == reason } } }
            }

            // The driver's node pod on the node, not Ready, as the watcher mirrors it.
            var driverPod = Pod(name: "vxflexos-node-\(name)", namespace: bed.namespace)
            driverPod.spec = PodSpec(containers: [Container(name: "driver", image: "registry.invalid/csi-vxflexos:1")], nodeName: name)
            driverPod = try await bed.kube.create(driverPod)
            var state = Podguard_V1_NodeState()
            state.name = name
            state.uid = node.metadata.uid!
            var mirrored = Podguard_V1_DriverPodState()
            mirrored.driver = "csi-vxflexos.dellemc.com"
            mirrored.family = .powerflex
            mirrored.namespace = bed.namespace
            mirrored.name = driverPod.metadata.name!
            mirrored.uid = driverPod.metadata.uid!
            state.driverPods = [mirrored]
            let nodes = try await bed.jetStream.keyValue(BusTopology.standard.nodesBucket)
            _ = try await nodes.put(PodguardKeys.node(name), message: state)

            // The node controller's mark (no kubelet reporting) is no evidence of the driver.
            try await alert(try await send(.add, offline), "TaintRequestRefused")
            #expect(try await !keys().contains(offline))
            // The kubelet reports: the node Ready, its driver pod not Ready with its reason.
            try await bed.kube.update(Node.self, name: name, subresource: "status") { node in
                node.status = NodeStatus(conditions: [NodeCondition(type: "Ready", status: "True", reason: "KubeletReady",
                                                                    lastHeartbeatTime: Date(), lastTransitionTime: Date())])
            }
            try await bed.kube.update(Pod.self, name: driverPod.metadata.name!, namespace: bed.namespace, subresource: "status") { pod in
                var status = pod.status ?? PodStatus()
                status.phase = "Running"
                status.conditions = [PodCondition(type: "Ready", status: "False", reason: "ContainersNotReady")]
                pod.status = status
            }
            try await alert(try await send(.add, offline), "TaintAdded")
            #expect(try await keys().contains(offline))
            #expect(try await keys().contains("example.com/other"))

            // Forged: the podguard taint without a LOST verdict, and its removal by request.
            let forged = try await send(.add, podguard, reason: .arrayConnectivityLoss)
            try await alert(forged, "TaintRequestRefused")
            #expect(try await !keys().contains(podguard))
            // With the prober's current LOST verdict for the node, the same request is carried out.
            var verdict = Podguard_V1_ArrayConnectivity()
            verdict.header.producedAt = .init(date: Date())
            verdict.nodeName = name
            verdict.nodeUid = node.metadata.uid!
            verdict.family = .powerflex
            verdict.verdict = .lost
            let connectivity = try await bed.jetStream.keyValue(BusTopology.standard.connectivityBucket)
            _ = try await connectivity.put(PodguardKeys.connectivity(family: .powerflex, node: name), message: verdict)
            try await alert(try await send(.add, podguard, reason: .arrayConnectivityLoss), "TaintAdded")
            #expect(try await keys().contains(podguard))
            try await alert(try await send(.remove, podguard, reason: .arrayConnectivityLoss), "TaintRequestRefused")
            #expect(try await keys().contains(podguard))

            let ignored = try await send(.remove, offline, uid: "another-uid")
            try await alert(ignored, "TaintRequestIgnored")
            #expect(try await keys().contains(offline))

            // The driver pod is Ready again: the offline taint goes, and a forged re-add is refused.
            try await bed.kube.update(Pod.self, name: driverPod.metadata.name!, namespace: bed.namespace, subresource: "status") { pod in
                var status = pod.status ?? PodStatus()
                status.phase = "Running"
                status.conditions = [PodCondition(type: "Ready", status: "True")]
                pod.status = status
            }
            try await alert(try await send(.remove, offline), "TaintRemoved")
            #expect(try await !keys().contains(offline))
            #expect(try await keys().contains("example.com/other"))
            try await alert(try await send(.add, offline), "TaintRequestRefused")
            #expect(try await !keys().contains(offline))
            try? await bed.kube.delete(Node.self, name: name)
        }
    }
}
