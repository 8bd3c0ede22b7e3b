import Bus
import BusService
import Contracts
import Foundation
import Harness
import Kube
import KubeService
import Logging
import ServiceKit
import Synchronization
import Testing
@_exported import TestSupport
import WatcherService

/// A real nats-server, the shared real control plane, a namespace and a protection label of the
/// test's own, and watcher replicas started in-process. Everything a test creates in Kubernetes
/// lives in its namespace, except nodes, PVs and VolumeAttachments (cluster-scoped), which carry
/// the test's id and are deleted at the end.
final class WatcherBed: Sendable {
    let server: NATSServerProcess
    let client: KubeClient
    let admin: BusConnection
    let namespace: String
    /// Unique per test: the protected-pod label value, part of cluster-scoped names.
    let id: String
    let nodesBucket: KeyValueStore
    let podsBucket: KeyValueStore
    let topology = BusTopology.standard
    private let heartbeats = Mutex<[Task<Void, Never>]>([])
    private let clusterObjects = Mutex<[(kind: String, name: String)]>([])

    static func start(_ prefix: String) async throws -> WatcherBed {
        let client = try await SharedKube.client(for: "watcher")
        var logger = Logger(label: "test.admin")
        logger.logLevel = .warning
        let bus = try await TestBus.start(logger: logger)
        let (server, admin, js) = (bus.server, bus.admin, bus.jetStream)
        let id = try await client.createTestNamespace(prefix)
        return WatcherBed(server: server, client: client, admin: admin, namespace: id, id: id,
                          nodesBucket: try await js.keyValue(BusTopology.standard.nodesBucket),
                          podsBucket: try await js.keyValue(BusTopology.standard.podsBucket))
    }

    private init(server: NATSServerProcess, client: KubeClient, admin: BusConnection, namespace: String, id: String,
                 nodesBucket: KeyValueStore, podsBucket: KeyValueStore) {
        self.server = server
        self.client = client
        self.admin = admin
        self.namespace = namespace
        self.id = id
        self.nodesBucket = nodesBucket
        self.podsBucket = podsBucket
    }

    /// Stops heartbeats and the bus, deletes the namespace and the cluster-scoped objects.
    func tearDown() async {
        heartbeats.withLock { $0.forEach { $0.cancel() } }
        for object in clusterObjects.withLock({ $0 }) {
            switch object.kind {
            case "node": try? await client.delete(Node.self, name: object.name)
            case "pv": try? await client.delete(PersistentVolume.self, name: object.name)
            default: try? await client.delete(VolumeAttachment.self, name: object.name)
            }
        }
        try? await client.delete(Namespace.self, name: namespace)
        await admin.close()
        server.stop()
    }

    // MARK: Watchers

    func settings(identity: String) -> WatcherSettings {
        var driverPods = DriverPodSelection.dellDefaults
        driverPods.labelSelector = "driver.dellemc.com=dell-storage,podguard-test=\(id)"
        driverPods.driverByNamespace = [namespace: "csi-vxflexos.dellemc.com"]
        return WatcherSettings(labelValue: id, driverPods: driverPods, leaderElection: LeaderElectionSettings(
                                   leaseName: "watcher-\(id)", leaseNamespace: namespace, leaseDuration: .seconds(4),
                                   renewDeadline: .seconds(3), retryPeriod: .milliseconds(500), identity: identity),
                               reconcileEvery: .seconds(300), watchTimeout: .seconds(60))
    }

    /// A watcher replica on its own bus connection; cancel the task to stop it (it releases the Lease).
    func startWatcher(_ identity: String) async throws -> RunningWatcher {
        var logger = Logger(label: "test.watcher.\(identity)")
        logger.logLevel = .warning
        let connection = try await BusConnection.connect(BusOptions(servers: [server.url], name: identity), logger: logger)
        try await connection.waitUntilConnected(timeout: .seconds(5))
        let readiness = ReadinessRegistry()
        let service = WatcherService(bus: PodguardBus(connection: connection, topology: topology), client: client, settings: settings(identity: identity),
                                     leaseNamespace: namespace, version: "0.1.0", readiness: readiness, logger: logger)
        let task = Task { try await service.run() }
        return RunningWatcher(identity: identity, task: task, connection: connection, readiness: readiness)
    }

    struct RunningWatcher: Sendable {
        let identity: String
        let task: Task<Void, any Error>
        let connection: BusConnection
        let readiness: ReadinessRegistry

        func stop() async {
            task.cancel()
            _ = await task.result
            await connection.close()
        }
    }

    func leaseHolder() async throws -> String? {
        try await client.getIfPresent(Lease.self, name: "watcher-\(id)", namespace: namespace)?.spec?.holderIdentity
    }

    // MARK: Bus

    func podState(_ name: String) async throws -> Podguard_V1_PodState? {
        try await podsBucket.get(PodguardKeys.pod(namespace: namespace, name: name), as: Podguard_V1_PodState.self)?.value
    }

    func nodeState(_ name: String) async throws -> Podguard_V1_NodeState? {
        try await nodesBucket.get(PodguardKeys.node(name), as: Podguard_V1_NodeState.self)?.value
    }

    // MARK: Kubernetes objects

    /// A Ready node that keeps heartbeating (Lease renewals, as kubelets do), so the node
    /// lifecycle controller neither taints it nor marks its pods not ready during the test.
    @discardableResult
    func createNode(_ suffix: String, nodeID: String = "9E56672F-0001") async throws -> String {
        let name = "\(id)-\(suffix)"
        var node = Node(name: name)
        node.metadata.labels = ["kubernetes.io/hostname": name]
        node.metadata.annotations = [NodeProjection.csiNodeIDAnnotation: #"{"csi-vxflexos.dellemc.com":"\#(nodeID)"}"#]
        _ = try await client.create(node)
        clusterObjects.withLock { $0.append((kind: "node", name: name)) }
        let now = Date()
        _ = try await client.update(Node.self, name: name, subresource: "status") { node in
            node.status = NodeStatus(conditions: [NodeCondition(type: "Ready", status: "True", reason: "KubeletReady",
                                                                lastHeartbeatTime: now, lastTransitionTime: now)],
                                     addresses: [NodeAddress(type: "InternalIP", address: "10.9.0.1")],
                                     capacity: ["cpu": "4", "memory": "8Gi", "pods": "110"],
                                     allocatable: ["cpu": "4", "memory": "8Gi", "pods": "110"])
            node.status?.nodeInfo = NodeSystemInfo(bootID: "boot-\(suffix)")
        }
        let client = client
        let heartbeat = Task {
            while !Task.isCancelled {
                var lease = Lease(name: name, namespace: "kube-node-lease")
                lease.spec = LeaseSpec(holderIdentity: name, leaseDurationSeconds: 40, renewTime: Date())
                if (try? await client.update(Lease.self, name: name, namespace: "kube-node-lease", mutate: { $0.spec?.renewTime = Date() })) == nil {
                    _ = try? await client.create(lease)
                }
                try? await Task.sleep(for: .seconds(2))
            }
        }
        heartbeats.withLock { $0.append(heartbeat) }
        return name
    }

    /// A CSI PV (PowerFlex handle) pre-bound to `claim`, the claim, and the VolumeAttachment to `node`.
    func createVolume(claim: String, node: String, handle: String = "14dbbf5617523654-d0f055a700000001",
                      attached: Bool = true) async throws -> (pv: String, attachment: String) {
        let pvName = "\(id)-pv-\(claim)"
        var pv = PersistentVolume(name: pvName)
        pv.spec = PersistentVolumeSpec(capacity: ["storage": "1Gi"], accessModes: ["ReadWriteOnce"],
                                       csi: CSIPersistentVolumeSource(driver: "csi-vxflexos.dellemc.com", volumeHandle: handle))
        pv.spec?.claimRef = ObjectReference(namespace: namespace, name: claim)
        _ = try await client.create(pv)
        clusterObjects.withLock { $0.append((kind: "pv", name: pvName)) }
        var pvc = PersistentVolumeClaim(name: claim, namespace: namespace)
        pvc.spec = PersistentVolumeClaimSpec(accessModes: ["ReadWriteOnce"], resources: ResourceRequirements(requests: ["storage": "1Gi"]),
                                             volumeName: pvName, storageClassName: "")
        _ = try await client.create(pvc)
        let vaName = "\(id)-va-\(claim)"
        var attachment = VolumeAttachment(name: vaName)
        attachment.spec = VolumeAttachmentSpec(attacher: "csi-vxflexos.dellemc.com", persistentVolumeName: pvName, nodeName: node)
        attachment = try await client.create(attachment)
        clusterObjects.withLock { $0.append((kind: "va", name: vaName)) }
        attachment.status = VolumeAttachmentStatus(attached: attached)
        _ = try await client.updateStatus(attachment)
        return (pvName, vaName)
    }

    /// A pod on `node`, protected unless `protected` is false, Running and Ready (status subresource).
    func createPod(_ name: String, node: String, claims: [String] = [], protected: Bool = true, ready: Bool = true) async throws {
        var pod = Pod(name: name, namespace: namespace)
        pod.metadata.labels = protected ? ["podmon.dellemc.com/driver": id] : ["app": "plain"]
        pod.spec = PodSpec(containers: [Container(name: "main", image: "registry.invalid/app:1")], nodeName: node)
        pod.spec?.volumes = claims.map { Volume(name: "vol-\($0)", persistentVolumeClaim: PersistentVolumeClaimVolumeSource(claimName: $0)) }
        pod = try await client.create(pod)
        try await setPodReady(name, ready)
    }

    /// A CSI driver node pod of the test's driver namespace on `node`.
    func createDriverPod(_ name: String, node: String, ready: Bool) async throws {
        var pod = Pod(name: name, namespace: namespace)
        pod.metadata.labels = ["driver.dellemc.com": "dell-storage", "podguard-test": id]
        pod.spec = PodSpec(containers: [Container(name: "driver", image: "registry.invalid/csi:1")], nodeName: node)
        _ = try await client.create(pod)
        try await setPodReady(name, ready)
    }

    func setPodReady(_ name: String, _ ready: Bool) async throws {
        let now = Date()
        _ = try await client.update(Pod.self, name: name, namespace: namespace, subresource: "status") { pod in
            pod.status = PodStatus(phase: "Running", conditions: [PodCondition(type: "Ready", status: ready ? "True" : "False", lastTransitionTime: now)])
            pod.status?.hostIP = "10.9.0.1"
            pod.status?.containerStatuses = [ContainerStatus(name: pod.spec?.containers.first?.name ?? "main", ready: ready,
                                                             image: "registry.invalid/app:1", imageID: "sha256:1", containerID: "containerd://\(name)",
                                                             state: ContainerState(running: ContainerStateRunning(startedAt: now)))]
        }
    }

    func deletePod(_ name: String) async throws {
        try await client.delete(Pod.self, name: name, namespace: namespace, options: DeleteOptions(gracePeriodSeconds: 0))
    }
}
