import ArrayFamily
import CRI
import CSISimulator
import Foundation
import Kube
import NodeSimulator
import Testing

/// The simulated nodes against the real control plane (shared per process; each test has its
/// own namespace and its own nodes, in their own zone). Serialized: the node lifecycle
/// controller's disruption modes look at every node of the control plane.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct SimulatedClusterTests {
    @Test func nodesRegisterAndStayReady() async throws {
        let client = try await SimTestCluster.client()
        let cluster = try await SimTestCluster.start(client, prefix: "reg")
        defer { Task { await cluster.stop() } }
        let driver = try #require(cluster.backends[.powerstore]).family.csiDriverName

        for name in cluster.nodeNames {
            let node = try await client.get(Node.self, name: name)
            #expect(node.metadata.annotations?["volumes.kubernetes.io/controller-managed-attach-detach"] == "true")
            #expect(node.csiNodeIDs[driver] == cluster.backends[.powerstore]?.array.nodeID(of: name))
            #expect(node.internalIP?.hasPrefix("127.0.1.") == true)
            #expect(node.status?.nodeInfo?.bootID.isEmpty == false)
            let csiNode = try await client.get(CSINode.self, name: name)
            #expect(csiNode.spec.drivers.map(\.name) == [driver])
            try await eventually("driver pod on \(name) Ready") {
                try await client.get(Pod.self, name: "powerstore-node-\(name)", namespace: "podguard-sim-drivers").isReady
            }
        }
        // Past the 8 s grace period, the heartbeats keep every node Ready and untainted.
        try await Task.sleep(for: .seconds(12))
        for name in cluster.nodeNames {
            let node = try await client.get(Node.self, name: name)
            #expect(node.readyCondition?.status == "True")
            #expect(!node.taints.contains { $0.key == "node.kubernetes.io/unreachable" })
            let lease = try await client.get(Lease.self, name: name, namespace: "kube-node-lease")
            #expect(lease.spec?.holderIdentity == name)
        }
        await cluster.stop()
    }

    @Test func statefulSetRunsAndSurvivesKubeletDownAndReboot() async throws {
        let client = try await SimTestCluster.client()
        let namespace = try await SimTestCluster.namespace(client, "sts")
        let cluster = try await SimTestCluster.start(client, prefix: "sts")
        defer { Task { await cluster.stop() } }
        let backend = try #require(cluster.backends[.powerstore])
        let zone = cluster.configuration.zone

        let pv = try await cluster.createPersistentVolume(family: .powerstore, name: "\(namespace)-web-0",
                                                          claim: (namespace: namespace, name: "data-web-0"))
        let handle = try #require(pv.spec?.csi?.volumeHandle)
        _ = try await client.create(SimTestCluster.statefulSet("web", namespace: namespace, family: .powerstore, zone: zone))

        // Scheduled, attached (external-attacher: finalizer + ControllerPublish), staged, published, Running.
        var nodeName = ""
        try await eventually("web-0 Running and Ready") {
            guard let pod = try await client.getIfPresent(Pod.self, name: "web-0", namespace: namespace) else { return false }
            nodeName = pod.nodeName ?? ""
            return pod.isReady && pod.status?.phase == "Running"
        }
        let pod = try await client.get(Pod.self, name: "web-0", namespace: namespace)
        let nodeIP = try cluster.snapshot(of: nodeName).internalIP
        #expect(pod.status?.hostIP == nodeIP)
        #expect(pod.status?.containerStatuses?.first?.containerID?.hasPrefix("containerd://") == true)
        #expect(backend.array.mappings(of: handle) == [nodeName])
        #expect(!backend.array.mounts(of: handle, on: nodeName).isEmpty)
        let attachments = try await client.list(VolumeAttachment.self).items.filter { $0.spec?.nodeName == nodeName }
        let attachment = try #require(attachments.first { $0.spec?.source.persistentVolumeName == pv.name })
        #expect(attachment.status?.attached == true)
        #expect(attachment.metadata.finalizers?.contains("external-attacher/csi-powerstore-dellemc-com") == true)
        try await eventually("volumesInUse on \(nodeName)") {
            let node = try await client.getIfPresent(JSONNode.self, name: nodeName)
            return node?.status?["volumesInUse"]?.arrayValue?.contains(.string("kubernetes.io/csi/csi-powerstore.dellemc.com^\(handle)")) == true
        }
        try await eventually("the container writes") { try writes(cluster, nodeName, namespace).accepted > 2 }

        // Kubelet down: the node controller taints the node unreachable; the container keeps writing.
        try await cluster.inject(.kubeletDown, on: nodeName)
        try await eventually("unreachable taints on \(nodeName)") {
            let node = try await client.get(Node.self, name: nodeName)
            return node.taints.contains { $0.key == "node.kubernetes.io/unreachable" && $0.effect == "NoSchedule" }
                && node.readyCondition?.status == "Unknown"
        }
        let before = try writes(cluster, nodeName, namespace).accepted
        try await eventually("the zombie keeps writing") { try writes(cluster, nodeName, namespace).accepted > before + 2 }
        #expect(cluster.violations.isEmpty)
        // The node's runtime still lists the zombie's container over CRI (what node-cleanup checks).
        let uid = try #require(pod.uid)
        let runtime = try CRIClient(endpoint: CRIEndpoint(path: try cluster.snapshot(of: nodeName).criSocket))
        let runtimeTask = Task { try? await runtime.run() }
        defer { runtime.shutdown(); runtimeTask.cancel() }
        let zombies = try await runtime.containers(ofPods: [uid])
        #expect(zombies.map(\.state) == [.running])
        #expect(zombies.first.map { "containerd://\($0.id)" } == pod.status?.containerStatuses?.first?.containerID)

        // Recovery: heartbeats again, the taints go, the pod is Ready again.
        try await cluster.recover(.kubeletDown, on: nodeName)
        try await eventually("taints cleared on \(nodeName)") {
            let node = try await client.get(Node.self, name: nodeName)
            return !node.taints.contains { $0.key == "node.kubernetes.io/unreachable" } && node.readyCondition?.status == "True"
        }
        try await eventually("web-0 Ready again") { try await client.get(Pod.self, name: "web-0", namespace: namespace).isReady }

        // Reboot: a new boot ID, new containers (same pod, restarted), volumes staged again.
        let bootID = try #require(try await client.get(Node.self, name: nodeName).status?.nodeInfo?.bootID)
        let oldContainer = pod.status?.containerStatuses?.first?.containerID
        try await cluster.inject(.reboot, on: nodeName)
        #expect(try cluster.snapshot(of: nodeName).pods.isEmpty)
        #expect(try await runtime.containers(ofPods: [uid]).isEmpty)
        try await cluster.recover(.reboot, on: nodeName)
        try await eventually("a new boot ID on \(nodeName)") {
            let current = try await client.get(Node.self, name: nodeName).status?.nodeInfo?.bootID
            return current != nil && current != bootID
        }
        try await eventually("web-0 restarted with new containers") {
            let current = try await client.get(Pod.self, name: "web-0", namespace: namespace)
            return current.isReady && current.status?.containerStatuses?.first?.containerID != oldContainer
                && current.status?.containerStatuses?.first?.restartCount == 1
        }
        #expect(cluster.violations.isEmpty)
        await cluster.stop()
    }

    @Test func gracefulDeletionMovesTheVolumeAndFencingRefusesZombieWrites() async throws {
        let client = try await SimTestCluster.client()
        let namespace = try await SimTestCluster.namespace(client, "mv")
        let cluster = try await SimTestCluster.start(client, prefix: "mv")
        defer { Task { await cluster.stop() } }
        let backend = try #require(cluster.backends[.powerstore])
        let pv = try await cluster.createPersistentVolume(family: .powerstore, name: "\(namespace)-web-0",
                                                          claim: (namespace: namespace, name: "data-web-0"))
        let handle = try #require(pv.spec?.csi?.volumeHandle)
        _ = try await client.create(SimTestCluster.statefulSet("web", namespace: namespace, family: .powerstore,
                                                               zone: cluster.configuration.zone))
        try await eventually("web-0 Ready") {
            try await client.getIfPresent(Pod.self, name: "web-0", namespace: namespace)?.isReady == true
        }
        let first = try await client.get(Pod.self, name: "web-0", namespace: namespace)

        // Graceful delete on a healthy node: the kubelet unpublishes, unstages and deletes it; the
        // StatefulSet makes a new one, which runs once its volume is attached where it landed.
        try await client.delete(Pod.self, name: "web-0", namespace: namespace)
        try await eventually("a new web-0 Ready") {
            guard let pod = try await client.getIfPresent(Pod.self, name: "web-0", namespace: namespace) else { return false }
            return pod.uid != first.uid && pod.isReady
        }
        let second = try await client.get(Pod.self, name: "web-0", namespace: namespace)
        let node = try #require(second.nodeName)
        #expect(backend.array.mappings(of: handle) == [node])

        // Fencing (what podguard's fencing service does): ControllerUnpublish of the host while its
        // kubelet is down; the zombie's writes are then refused, never a second writer.
        try await cluster.inject(.kubeletDown, on: node)
        let nodeID = try #require(backend.array.nodeID(of: node))
        try await ControllerCall.unpublish(socket: backend.controllerSocket, volume: handle, nodeID: nodeID)
        try await eventually("zombie writes refused") { try writes(cluster, node, namespace).refused > 1 }
        #expect(cluster.violations.isEmpty)
        #expect((cluster.refusedWrites[.powerstore]?[node] ?? 0) > 0)
        try await cluster.recover(.kubeletDown, on: node)
        await cluster.stop()
    }

    /// The problem podguard exists for, shown with Kubernetes alone: the node controller evicts
    /// the StatefulSet pod of a failed node, the pod stays Terminating (no kubelet confirms), the
    /// StatefulSet makes no replacement and the volume stays attached to the dead node.
    @Test func statefulSetPodOnAFailedNodeStaysTerminating() async throws {
        let client = try await SimTestCluster.client()
        let (cluster, namespace, pod, node, volume) = try await stuckPod(client, prefix: "stuck")
        defer { Task { await cluster.stop() } }
        // Well past the grace period: still the same Terminating pod, still attached to the dead node.
        try await Task.sleep(for: .seconds(20))
        let stuck = try #require(try await client.getIfPresent(Pod.self, name: "web-0", namespace: namespace))
        #expect(stuck.uid == pod.uid)
        #expect(stuck.metadata.deletionTimestamp != nil)
        let attachments = try await client.list(VolumeAttachment.self).items
        #expect(attachments.contains { $0.spec?.nodeName == node && $0.spec?.source.persistentVolumeName == volume })

        // When the node comes back its kubelet finishes the deletion and the StatefulSet recovers.
        try await cluster.recover(.interfaceDown, on: node)
        try await eventually("a new web-0 Ready after the node returned") {
            guard let current = try await client.getIfPresent(Pod.self, name: "web-0", namespace: namespace) else { return false }
            return current.uid != pod.uid && current.isReady
        }
        #expect(cluster.violations.isEmpty)
        await cluster.stop()
    }

    @Test func deletedNodeObjectRegistersAgain() async throws {
        let client = try await SimTestCluster.client()
        let cluster = try await SimTestCluster.start(client, prefix: "rereg")
        defer { Task { await cluster.stop() } }
        let name = cluster.nodeNames[0]
        let before = try await client.get(Node.self, name: name)
        try await client.delete(Node.self, name: name)
        try await eventually("\(name) registered again") {
            guard let node = try await client.getIfPresent(Node.self, name: name) else { return false }
            return node.uid != before.uid && node.readyCondition?.status == "True"
                && node.metadata.annotations?["csi.volume.kubernetes.io/nodeid"] != nil
        }
        await cluster.stop()
    }

    @Test func interfaceDownDropsPathsAndDriverPodDownTurnsNotReady() async throws {
        let client = try await SimTestCluster.client()
        let cluster = try await SimTestCluster.start(client, prefix: "if")
        defer { Task { await cluster.stop() } }
        let node = cluster.nodeNames[0]
        let driverPod = "powerstore-node-\(node)"
        try await eventually("driver pod Ready") {
            try await client.get(Pod.self, name: driverPod, namespace: "podguard-sim-drivers").isReady
        }
        try await cluster.inject(.driverPodDown, on: node)
        try await eventually("driver pod NotReady") {
            try await !client.get(Pod.self, name: driverPod, namespace: "podguard-sim-drivers").isReady
        }
        try await cluster.recover(.driverPodDown, on: node)
        try await eventually("driver pod Ready again") {
            try await client.get(Pod.self, name: driverPod, namespace: "podguard-sim-drivers").isReady
        }

        try await cluster.inject(.interfaceDown, on: node)
        #expect(try cluster.snapshot(of: node).state == .interfaceDown)
        await #expect(throws: NodeSimulatorError.self) { try await cluster.inject(.kubeletDown, on: node) }
        try await eventually("unreachable taint on \(node)") {
            try await client.get(Node.self, name: node).taints.contains { $0.key == "node.kubernetes.io/unreachable" }
        }
        try await cluster.recover(.interfaceDown, on: node)
        try await eventually("taint cleared on \(node)") {
            try await !client.get(Node.self, name: node).taints.contains { $0.key == "node.kubernetes.io/unreachable" }
        }
        #expect(cluster.violations.isEmpty)
        await cluster.stop()
    }
}

/// Accepted and refused writes of the namespace's pods on a node.
func writes(_ cluster: SimulatedCluster, _ node: String, _ namespace: String) throws -> (accepted: Int, refused: Int) {
    let pods = try cluster.snapshot(of: node).pods.filter { $0.namespace == namespace }
    return (pods.reduce(0) { $0 + $1.acceptedWrites }, pods.reduce(0) { $0 + $1.refusedWrites })
}

/// A Node with its status as raw JSON (for fields Kube does not model, like volumesInUse).
struct JSONNode: KubeResource, Hashable {
    static let resource = Node.resource
    var metadata = ObjectMeta()
    var status: JSONValue?
    var preserved: PreservedJSON?
    enum CodingKeys: String, CodingKey { case metadata, status }
    init() {}
}
