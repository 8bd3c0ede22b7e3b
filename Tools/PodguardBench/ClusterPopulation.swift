import Foundation
import Kube
import Synchronization

/// Fills a real apiserver with what a large cluster protected by podmon looks like: Ready nodes
/// annotated with the CSI node ids of three Dell drivers, one CSI driver node pod per node, and
/// protected StatefulSet-style pods bound to those nodes, each with one PVC bound to one CSI PV
/// (and, optionally, a VolumeAttachment). Requests run with bounded concurrency; nothing plays a
/// controller: the PVC status (`Bound`) and pod status (`Running`, Ready) are written here.
struct ClusterPopulation {
    let client: KubeClient
    let nodes: Int
    let pods: Int
    let concurrency: Int
    let attachments: Bool

    static let podNamespace = "bench"

    final class Tally: Sendable {
        let state = Mutex(Result())
    }
    static let driverNamespace = "powerstore"

    struct Result {
        var nodes = 0
        var driverPods = 0
        var pods = 0
        var volumes = 0
        var attachments = 0
        var requests = 0
        var failures = 0
        var firstFailure: String?
        var duration: Duration = .zero
    }

    /// One protected-pod driver: pod label value, CSI driver name, a realistic handle.
    struct Driver {
        let labelValue: String
        let csiDriver: String
        let handle: @Sendable (Int) -> String
    }

    static let drivers: [Driver] = [
        Driver(labelValue: "csi-powerstore", csiDriver: "csi-powerstore.dellemc.com") { index in
            let suffix = String(format: "%012x", index)
            return "6f2a1e0c-3b4d-4e5f-9a8b-\(suffix)/PS4ebb8d4e8488/scsi"
        },
        Driver(labelValue: "csi-vxflexos", csiDriver: "csi-vxflexos.dellemc.com") { index in
            "14dbbf5617523654-\(String(format: "d0f055a7%08x", index))"
        },
        Driver(labelValue: "csi-powermax", csiDriver: "csi-powermax.dellemc.com") { index in
            "csi-BNC-pmax-\(String(format: "%010x", index))-bench-000120001234-\(String(format: "%05X", index % 0xFFFFF))"
        },
    ]

    /// 60 % PowerStore, 30 % PowerFlex, 10 % PowerMax.
    static func driver(ofPod index: Int) -> Driver {
        switch index % 10 {
        case 0..<6: drivers[0]
        case 6..<9: drivers[1]
        default: drivers[2]
        }
    }

    static func nodeName(_ index: Int) -> String { String(format: "worker-%04d", index) }

    func run(progress: @escaping @Sendable (String) -> Void) async throws -> Result {
        let started = ContinuousClock.now
        let tally = Tally()
        for namespace in [Self.podNamespace, Self.driverNamespace] {
            _ = try await client.create(Namespace(name: namespace))
        }
        for namespace in [Self.podNamespace, Self.driverNamespace] {
            try await client.waitForDefaultServiceAccount(namespace: namespace)
        }

        try await forEach(0..<nodes, what: "nodes", tally: tally, progress: progress) { index in
            try await createNode(index)
            tally.state.withLock { $0.nodes += 1; $0.requests += 2 }
        }
        try await forEach(0..<nodes, what: "driver node pods", tally: tally, progress: progress) { index in
            try await createDriverPod(onNode: index)
            tally.state.withLock { $0.driverPods += 1; $0.requests += 2 }
        }
        try await forEach(0..<pods, what: "protected pods with PVC and PV", tally: tally, progress: progress) { index in
            let requests = try await createProtectedPod(index)
            tally.state.withLock { $0.pods += 1; $0.volumes += 1; $0.attachments += attachments ? 1 : 0; $0.requests += requests }
        }
        var result = tally.state.withLock { $0 }
        result.duration = ContinuousClock.now - started
        return result
    }

    /// Runs `body` for every index with at most `concurrency` in flight; a failing index is
    /// counted (the figures then use what exists), never retried blindly.
    private func forEach(_ range: Range<Int>, what: String, tally: Tally, progress: @escaping @Sendable (String) -> Void,
                         _ body: @escaping @Sendable (Int) async throws -> Void) async throws {
        let started = ContinuousClock.now
        await withTaskGroup(of: Void.self) { group in
            var next = range.lowerBound
            func add() {
                let index = next
                next += 1
                group.addTask {
                    do {
                        try await body(index)
                    } catch {
                        tally.state.withLock { result in
                            result.failures += 1
                            if result.firstFailure == nil { result.firstFailure = "\(what) #\(index): \(error)" }
                        }
                    }
                }
            }
            while next < range.upperBound, next - range.lowerBound < concurrency { add() }
            var lastReport = ContinuousClock.now
            var count = 0
            while await group.next() != nil {
                count += 1
                if next < range.upperBound { add() }
                if ContinuousClock.now - lastReport >= .seconds(10) {
                    lastReport = ContinuousClock.now
                    let seconds = Format.seconds(ContinuousClock.now - started)
                    progress("  \(what): \(Format.grouped(count)) of \(Format.grouped(range.count)) (\(Int(Double(count) / seconds))/s)")
                }
            }
        }
        let seconds = Format.seconds(ContinuousClock.now - started)
        progress("  \(what): \(Format.grouped(range.count)) in \(String(format: "%.1f", seconds)) s")
    }

    private func createNode(_ index: Int) async throws {
        let name = Self.nodeName(index)
        let ip = "10.\(20 + index / 65_536).\(index / 256 % 256).\(index % 256)"
        var node = Node(name: name)
        node.metadata.labels = [
            "kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
            "topology.kubernetes.io/region": "bench", "topology.kubernetes.io/zone": "bench-\(index % 4)",
        ]
        let nodeIDs = [
            "csi-powerstore.dellemc.com": "csi-node-\(String(format: "%032x", index))-\(ip)",
            "csi-vxflexos.dellemc.com": String(format: "3F1A7C9E-0000-4000-8000-%012X", index),
            "csi-powermax.dellemc.com": name,
        ]
        let annotation = String(data: try JSONSerialization.data(withJSONObject: nodeIDs, options: [.sortedKeys]), encoding: .utf8) ?? "{}"
        node.metadata.annotations = ["csi.volume.kubernetes.io/nodeid": annotation]
        node = try await createOrGet(node)
        let now = Date()
        node.status = NodeStatus(conditions: [NodeCondition(type: "Ready", status: "True", reason: "KubeletReady",
                                                            message: "kubelet is posting ready status",
                                                            lastHeartbeatTime: now, lastTransitionTime: now)],
                                 addresses: [NodeAddress(type: "InternalIP", address: ip), NodeAddress(type: "Hostname", address: name)],
                                 capacity: ["cpu": "16", "memory": "64Gi", "pods": "110"],
                                 allocatable: ["cpu": "16", "memory": "63Gi", "pods": "110"])
        node.status?.nodeInfo = NodeSystemInfo(bootID: String(format: "5c1d3e2a-7b8f-4a6c-9d0e-%012x", index))
        _ = try await client.updateStatus(node)
    }

    private func createDriverPod(onNode index: Int) async throws {
        var pod = Pod(name: "powerstore-node-\(String(format: "%04d", index))", namespace: Self.driverNamespace)
        pod.metadata.labels = ["driver.dellemc.com": "dell-storage", "app": "powerstore-node"]
        pod.spec = PodSpec(containers: [Container(name: "driver", image: "dellemc/csi-powerstore:v2.14.0")], nodeName: Self.nodeName(index))
        pod = try await createOrGet(pod)
        try await markRunning(&pod, ip: "10.\(20 + index / 65_536).\(index / 256 % 256).\(index % 256)")
    }

    /// PV, PVC (status Bound), optionally the VolumeAttachment (attached), then the pod (Running,
    /// Ready). Returns the number of requests.
    private func createProtectedPod(_ index: Int) async throws -> Int {
        let driver = Self.driver(ofPod: index)
        let node = Self.nodeName(index % max(nodes, 1))
        let set = "db-\(index / 3)"
        let podName = "\(set)-\(index % 3)"
        let claimName = "data-\(podName)"
        let volumeName = "pvc-bench-\(String(format: "%06d", index))"
        var requests = 0

        var volume = PersistentVolume(name: volumeName)
        volume.metadata.annotations = ["pv.kubernetes.io/provisioned-by": driver.csiDriver]
        volume.spec = PersistentVolumeSpec(capacity: ["storage": "8Gi"], accessModes: ["ReadWriteOnce"],
                                           csi: CSIPersistentVolumeSource(driver: driver.csiDriver, volumeHandle: driver.handle(index), fsType: "ext4"))
        volume.spec?.claimRef = ObjectReference(namespace: Self.podNamespace, name: claimName)
        volume.spec?.persistentVolumeReclaimPolicy = "Delete"
        volume.spec?.storageClassName = driver.labelValue
        _ = try await createOrGet(volume)
        requests += 1

        var claim = PersistentVolumeClaim(name: claimName, namespace: Self.podNamespace)
        claim.metadata.labels = ["app": set]
        claim.spec = PersistentVolumeClaimSpec(accessModes: ["ReadWriteOnce"], resources: ResourceRequirements(requests: ["storage": "8Gi"]),
                                               volumeName: volumeName, storageClassName: driver.labelValue)
        claim = try await createOrGet(claim)
        claim.status = PersistentVolumeClaimStatus(phase: "Bound")
        claim.status?.accessModes = ["ReadWriteOnce"]
        claim.status?.capacity = ["storage": "8Gi"]
        _ = try await client.updateStatus(claim)
        requests += 2

        if attachments {
            var attachment = VolumeAttachment(name: "csi-bench-\(String(format: "%06d", index))")
            attachment.spec = VolumeAttachmentSpec(attacher: driver.csiDriver, persistentVolumeName: volumeName, nodeName: node)
            attachment = try await createOrGet(attachment)
            attachment.status = VolumeAttachmentStatus(attached: true)
            _ = try await client.updateStatus(attachment)
            requests += 2
        }

        var pod = Pod(name: podName, namespace: Self.podNamespace)
        pod.metadata.labels = ["podmon.dellemc.com/driver": driver.labelValue, "app": set]
        pod.metadata.ownerReferences = [OwnerReference(apiVersion: "apps/v1", kind: "StatefulSet", name: set,
                                                       uid: String(format: "00000000-0000-4000-8000-%012x", index / 3), controller: true)]
        pod.spec = PodSpec(containers: [Container(name: "db", image: "postgres:16")], nodeName: node)
        pod.spec?.volumes = [Volume(name: "data", persistentVolumeClaim: PersistentVolumeClaimVolumeSource(claimName: claimName))]
        pod = try await createOrGet(pod)
        try await markRunning(&pod, ip: "10.200.\(index / 256 % 256).\(index % 256)")
        requests += 2
        return requests
    }

    /// Plays the kubelet once: Running, Ready, one running container.
    private func markRunning(_ pod: inout Pod, ip: String) async throws {
        let now = Date()
        let container = pod.spec?.containers.first
        let name = pod.name
        pod.status = PodStatus(phase: "Running", conditions: [
            PodCondition(type: "Initialized", status: "True", lastTransitionTime: now),
            PodCondition(type: "Ready", status: "True", lastTransitionTime: now),
            PodCondition(type: "ContainersReady", status: "True", lastTransitionTime: now),
            PodCondition(type: "PodScheduled", status: "True", lastTransitionTime: now),
        ])
        pod.status?.hostIP = "10.20.0.1"
        pod.status?.podIP = ip
        pod.status?.startTime = now
        pod.status?.containerStatuses = [ContainerStatus(name: container?.name ?? "main", ready: true, image: container?.image ?? "",
                                                         imageID: "sha256:0d1f", containerID: "containerd://\(name)",
                                                         state: ContainerState(running: ContainerStateRunning(startedAt: now)))]
        pod = try await client.updateStatus(pod)
    }

    /// A create that survives a lost response (the retry then finds the object).
    private func createOrGet<T: KubeResource>(_ object: T) async throws -> T {
        var attempt = 0
        while true {
            do {
                return try await client.create(object)
            } catch let error as KubeError where error.isAlreadyExists {
                return try await client.get(T.self, name: object.name, namespace: object.namespace)
            } catch let error as KubeError where attempt < 3 && !error.isNotFound {
                attempt += 1
                try await Task.sleep(for: .milliseconds(200 * attempt))
            }
        }
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
