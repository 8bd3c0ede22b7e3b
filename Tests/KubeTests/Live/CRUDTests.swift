import Foundation
import Kube
import Testing

@Suite("CRUD against the real apiserver", .timeLimit(.minutes(2)))
struct CRUDTests {
    @Test func createGetDeleteWithUIDPrecondition() async throws {
        let (client, _) = try await TestCluster.client()
        let ns = try await TestCluster.namespace(client, "crud", waitForServiceAccount: true)

        let created = try await client.create(TestCluster.pod("web-0", namespace: ns, labels: ["app": "web"]))
        let uid = try #require(created.uid)
        let fetched = try await client.get(Pod.self, name: "web-0", namespace: ns)
        #expect(fetched.uid == uid)
        #expect(fetched.metadata.labels?["app"] == "web")
        #expect(fetched.spec?.containers.first?.name == "main")

        // Creating it again: AlreadyExists, typed.
        await #expect { try await client.create(TestCluster.pod("web-0", namespace: ns)) } throws: { ($0 as? KubeError)?.isAlreadyExists == true }

        // A wrong uid precondition: 409 Conflict carrying the apiserver's message; the pod stays.
        let wrong = "00000000-0000-0000-0000-000000000000"
        do {
            try await client.delete(Pod.self, name: "web-0", namespace: ns, options: DeleteOptions(gracePeriodSeconds: 0, preconditionUID: wrong))
            Issue.record("delete with a wrong uid succeeded")
        } catch let error as KubeError {
            #expect(error.isConflict, "\(error)")
            #expect(error.status?.message?.contains("the UID in the precondition (\(wrong))") == true, "\(error)")
        }
        #expect(try await client.getIfPresent(Pod.self, name: "web-0", namespace: ns) != nil)

        // The right uid, grace 0: a force delete — gone at once, although no kubelet confirms.
        try await client.delete(Pod.self, name: "web-0", namespace: ns, options: DeleteOptions(gracePeriodSeconds: 0, preconditionUID: uid))
        #expect(try await client.getIfPresent(Pod.self, name: "web-0", namespace: ns) == nil)
        await #expect { try await client.get(Pod.self, name: "web-0", namespace: ns) } throws: { ($0 as? KubeError)?.isNotFound == true }
    }

    @Test func gracefulDeleteOfABoundPodLeavesItTerminatingWithoutAKubelet() async throws {
        let (client, _) = try await TestCluster.client()
        let ns = try await TestCluster.namespace(client, "grace", waitForServiceAccount: true)
        _ = try await client.create(TestCluster.pod("db-0", namespace: ns, nodeName: "no-such-node"))
        try await client.delete(Pod.self, name: "db-0", namespace: ns, options: DeleteOptions(gracePeriodSeconds: 30, propagationPolicy: .background))
        let terminating = try await client.get(Pod.self, name: "db-0", namespace: ns)
        #expect(terminating.metadata.deletionTimestamp != nil)
        #expect(terminating.metadata.deletionGracePeriodSeconds == 30)
        // Force it (what podguard does for a pod on a dead node).
        try await client.delete(Pod.self, name: "db-0", namespace: ns, options: DeleteOptions(gracePeriodSeconds: 0, preconditionUID: terminating.uid))
        #expect(try await client.getIfPresent(Pod.self, name: "db-0", namespace: ns) == nil)
    }

    @Test func updatePreservesFieldsTheModelsDoNotKnow() async throws {
        let (client, _) = try await TestCluster.client()
        let ns = try await TestCluster.namespace(client, "preserve", waitForServiceAccount: true)
        _ = try await client.create(TestCluster.pod("app-0", namespace: ns))
        var pod = try await client.get(Pod.self, name: "app-0", namespace: ns)
        let raw = try #require(pod.preserved?.raw)
        // Defaults the apiserver filled in, none of them modelled by `Pod`:
        #expect(raw["spec"]?["restartPolicy"] == .string("Always"))
        #expect(raw["spec"]?["dnsPolicy"] != nil)
        #expect(raw["spec"]?["containers"]?.arrayValue?.first?["terminationMessagePath"] != nil)
        #expect(raw["metadata"]?["managedFields"] != nil)

        pod.metadata.labels = ["changed": "yes"]
        pod.spec?.containers[0].image = "registry.invalid/app:2"
        let updated = try await client.update(pod)
        #expect(updated.metadata.labels == ["changed": "yes"])
        #expect(updated.spec?.containers.first?.image == "registry.invalid/app:2")
        let after = try #require(updated.preserved?.raw)
        #expect(after["spec"]?["restartPolicy"] == raw["spec"]?["restartPolicy"])
        #expect(after["spec"]?["dnsPolicy"] == raw["spec"]?["dnsPolicy"])
        #expect(after["spec"]?["tolerations"] == raw["spec"]?["tolerations"])
        #expect(after["spec"]?["containers"]?.arrayValue?.first?["terminationMessagePath"]
            == raw["spec"]?["containers"]?.arrayValue?.first?["terminationMessagePath"])
        #expect(after["spec"]?["containers"]?.arrayValue?.first?["resources"] != nil)
    }

    @Test func staleUpdateIsAConflict() async throws {
        let (client, _) = try await TestCluster.client()
        let ns = try await TestCluster.namespace(client, "stale", waitForServiceAccount: true)
        _ = try await client.create(TestCluster.pod("p", namespace: ns))
        var second = try await client.get(Pod.self, name: "p", namespace: ns)
        // The first writer retries on conflict: the scheduler may bind the pod meanwhile (nodes of
        // other tests share the control plane), which changes its resourceVersion too.
        try await client.update(Pod.self, name: "p", namespace: ns) { $0.metadata.labels = ["writer": "first"] }
        second.metadata.labels = ["writer": "second"]
        await #expect { try await client.update(second) } throws: { ($0 as? KubeError)?.isConflict == true }
    }

    @Test func statusSubresourceUpdatesPodAndNodeStatus() async throws {
        let (client, _) = try await TestCluster.client()
        let ns = try await TestCluster.namespace(client, "status", waitForServiceAccount: true)

        let node = try await client.create(TestCluster.node("status-node"))
        let nodeName = node.name
        defer { cleanUp(client, Node.self, nodeName) }
        let now = Date()
        // The node lifecycle controller writes new nodes too: read-modify-write with conflict retry.
        let posted = try await client.update(Node.self, name: nodeName, subresource: "status") { node in
            node.status = NodeStatus(conditions: [NodeCondition(type: "Ready", status: "True", reason: "KubeletReady", lastHeartbeatTime: now, lastTransitionTime: now)],
                                     addresses: [NodeAddress(type: "InternalIP", address: "10.1.2.3")],
                                     capacity: ["cpu": "4", "memory": "8Gi", "pods": "110"], allocatable: ["cpu": "4", "memory": "8Gi", "pods": "110"])
            node.status?.nodeInfo = NodeSystemInfo(bootID: "boot-1")
        }
        #expect(posted.readyCondition?.status == "True")
        #expect(posted.internalIP == "10.1.2.3")
        #expect(posted.status?.nodeInfo?.bootID == "boot-1")

        var pod = try await client.create(TestCluster.pod("sim-0", namespace: ns, nodeName: nodeName))
        pod.status = PodStatus(phase: "Running", conditions: [PodCondition(type: "Ready", status: "True", lastTransitionTime: now)])
        pod.status?.containerStatuses = [ContainerStatus(name: "main", ready: true, image: "registry.invalid/app:1", imageID: "sha256:1",
                                                         containerID: "containerd://abc", state: ContainerState(running: ContainerStateRunning(startedAt: now)))]
        // A status update ignores spec changes: this image must not stick.
        pod.spec?.containers[0].image = "registry.invalid/ignored:9"
        let running = try await client.updateStatus(pod)
        #expect(running.isReady)
        #expect(running.status?.phase == "Running")
        #expect(running.status?.containerStatuses?.first?.containerID == "containerd://abc")
        #expect(running.spec?.containers.first?.image == "registry.invalid/app:1")
    }

    @Test func otherKindsRoundTrip() async throws {
        let (client, _) = try await TestCluster.client()
        let ns = try await TestCluster.namespace(client, "kinds")
        let suffix = UUID().uuidString.prefix(6).lowercased()

        var pv = PersistentVolume(name: "pv-\(suffix)")
        pv.spec = PersistentVolumeSpec(capacity: ["storage": "1Gi"], accessModes: ["ReadWriteOnce"],
                                       csi: CSIPersistentVolumeSource(driver: "csi-vxflexos.dellemc.com", volumeHandle: "vol-1", fsType: "ext4", volumeAttributes: ["pool": "p1"]))
        pv.spec?.claimRef = ObjectReference(namespace: ns, name: "data-0")
        pv = try await client.create(pv)
        let pvName = pv.name
        defer { cleanUp(client, PersistentVolume.self, pvName) }
        #expect(pv.spec?.csi?.volumeHandle == "vol-1")
        #expect(pv.spec?.csi?.volumeAttributes?["pool"] == "p1")

        var pvc = PersistentVolumeClaim(name: "data-0", namespace: ns)
        pvc.spec = PersistentVolumeClaimSpec(accessModes: ["ReadWriteOnce"], resources: ResourceRequirements(requests: ["storage": "1Gi"]), volumeName: pv.name, storageClassName: "")
        pvc = try await client.create(pvc)
        #expect(pvc.spec?.volumeName == pv.name)

        var attachment = VolumeAttachment(name: "va-\(suffix)")
        attachment.spec = VolumeAttachmentSpec(attacher: "csi-vxflexos.dellemc.com", persistentVolumeName: pv.name, nodeName: "node-x")
        attachment = try await client.create(attachment)
        let attachmentName = attachment.name
        defer { cleanUp(client, VolumeAttachment.self, attachmentName) }
        attachment.status = VolumeAttachmentStatus(attached: true)
        let attached = try await client.updateStatus(attachment)
        #expect(attached.status?.attached == true)
        let vas = try await client.list(VolumeAttachment.self)
        #expect(vas.items.contains { $0.name == attachment.name && $0.spec?.source.persistentVolumeName == pv.name })

        var csiNode = CSINode(name: "csinode-\(suffix)")
        csiNode.spec = CSINodeSpec(drivers: [CSINodeDriver(name: "csi-vxflexos.dellemc.com", nodeID: "sdc-1234")])
        csiNode = try await client.create(csiNode)
        let csiNodeName = csiNode.name
        defer { cleanUp(client, CSINode.self, csiNodeName) }
        #expect(csiNode.spec.drivers.first?.nodeID == "sdc-1234")

        var lease = Lease(name: "l", namespace: ns)
        lease.spec = LeaseSpec(holderIdentity: "a", leaseDurationSeconds: 15, renewTime: Date(timeIntervalSince1970: 1_700_000_000.123456))
        lease = try await client.create(lease)
        #expect(lease.spec?.holderIdentity == "a")
        // MicroTime survives with its microseconds.
        #expect(abs((lease.spec?.renewTime?.timeIntervalSince1970 ?? 0) - 1_700_000_000.123456) < 0.000_01)
    }
}
