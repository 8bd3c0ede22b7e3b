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


    @Test("happy path: unmapped at the array, tainted, VolumeAttachments gone, Event recorded, pod force-deleted")
    func happyPath() async throws {
        try await FencingBed.with { bed in
            try await bed.startFencing(FencingBed.settings("fencing-a"))
            let node = try await bed.makeNode()
            let (pod, volumes) = try await bed.makePod("pg-0", on: node)
            bed.disconnect()
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

    @Test("after the storage fence alone, the out-of-service taint only when every volume attached to the node was fenced by podguard")
    func outOfServiceAfterStorageFence() async throws {
        try await FencingBed.with { bed in
            var settings = FencingBed.settings("fencing-a")
            settings.remediation.outOfServiceTaint = .always
            settings.remediation.outOfServiceAfterStorageFence = true
            try await bed.startFencing(settings)
            bed.disconnect()
            for foreignVolume in [false, true] {
                let node = try await bed.makeNode()
                let name = node.metadata.name!
                let (pod, volumes) = try await bed.makePod(foreignVolume ? "pg-1" : "pg-0", on: node, families: [.powerflex])
                // What the attach/detach controller would report: the pod's volume, and perhaps one podguard never fenced.
                var attached = volumes.map { AttachedVolume(name: OutOfServiceGate.attachedName(driver: FencingBed.drivers[$0.family]!, volumeHandle: $0.handle)) }
                if foreignVolume { attached.append(AttachedVolume(name: "kubernetes.io/csi/nfs.csi.k8s.io^share-1")) }
                try await bed.kube.update(Node.self, name: name, subresource: "status") { $0.status?.volumesAttached = attached }
                try await bed.submit(bed.request(for: pod, node: node, volumes: volumes))

                let record = try await bed.terminalRecord(pod.metadata.uid!)
                #expect(record.phase == .podDeleted, "\(record.abortReason): \(record.abortMessage)")
                let outOfService = record.taintsApplied.contains { $0.key == "node.kubernetes.io/out-of-service" }
                let onNode = try await bed.node(name).taints.contains { $0.key == "node.kubernetes.io/out-of-service" && $0.effect == "NoExecute" }
                #expect(outOfService == !foreignVolume && onNode == !foreignVolume, "foreign volume \(foreignVolume)")
                #expect(record.outOfServiceBecause == (foreignVolume ? "" : "every volume attached to the node (1) was unpublished from it by a podguard fence"))
                #expect(record.nodeProvenBy == .unspecified, "no ladder step proved the node")
                try? await bed.kube.delete(Node.self, name: name)
            }
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
            bed.disconnect()
            let request = bed.request(for: pod, node: node, volumes: volumes)
            try await bed.submit(request)
            let record = try await bed.terminalRecord(pod.metadata.uid!)
            #expect(record.phase == .podDeleted, "\(record.abortReason): \(record.abortMessage)")

            // What a stale attach/detach controller and the external attacher would do: a new
            // attachment to the fenced node, and the volume published there again.
            let sim = bed.sims[.powerflex]!
            try await CSIClient.withClient(endpoint: CSIAddress(path: sim.socketPath)) { client in
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
            bed.disconnect()
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
            try await bed.expectNothingChanged(pod: pod, node: node, volumes: volumes)
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
            bed.disconnect()
            bed.sims[.powerflex]!.inject(.io(volume: volumes[0].handle, active: true))
            try await bed.submit(bed.request(for: pod, node: node, volumes: volumes))
            let record = try await bed.terminalRecord(pod.metadata.uid!)
            #expect(record.abortReason == .arrayConnectedOrIo)
            try await bed.expectNothingChanged(pod: pod, node: node, volumes: volumes)
            try? await bed.kube.delete(Node.self, name: node.metadata.name!)
        }
    }

    @Test("a 'pending' unpublish is retried through the queue until it succeeds")
    func pendingRetried() async throws {
        try await FencingBed.with(pendingAttempts: 1) { bed in
            try await bed.startFencing(FencingBed.settings("fencing-a"))
            let node = try await bed.makeNode()
            let (pod, volumes) = try await bed.makePod("pg-0", on: node)
            bed.disconnect()
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
            bed.disconnect()
            try await bed.submit(bed.request(for: pod, node: node, volumes: volumes))
            let record = try await bed.terminalRecord(pod.metadata.uid!)
            #expect(record.abortReason == .csiUnavailable)
            #expect(record.retries == 3)
            try await bed.expectNothingChanged(pod: pod, node: node, volumes: volumes)
            try? await bed.kube.delete(Node.self, name: node.metadata.name!)
        }
    }

    @Test("the pod was replaced (new uid): POD_REPLACED, the successor is not touched")
    func podReplaced() async throws {
        try await FencingBed.with { bed in
            try await bed.startFencing(FencingBed.settings("fencing-a"))
            let node = try await bed.makeNode()
            let (old, volumes) = try await bed.makePod("pg-0", on: node)
            bed.disconnect()
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
            bed.disconnect()
            let request = bed.request(for: pod, node: node, volumes: volumes, dryRun: true)
            try await bed.submit(request)
            let record = try await bed.terminalRecord(pod.metadata.uid!)
            #expect(record.abortReason == .dryRun)
            #expect(record.dryRun)
            #expect(record.abortMessage.contains("would fence"))
            try await bed.expectNothingChanged(pod: pod, node: node, volumes: volumes)
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
            bed.disconnect(.powerflex)
            bed.disconnect(.powerstore)
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
            bed.disconnect()
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
            bed.disconnect()
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
            bed.disconnect()
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
}
