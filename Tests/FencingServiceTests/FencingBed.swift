import AdapterKit
import ArrayFamily
import Bus
import BusService
import Contracts
import CSI
import CSISimulator
import FamilyCatalog
import FencingCore
import FencingService
import Foundation
import Harness
import Kube
import Logging
import Policy
import ServiceKit
import ServiceLifecycle
import SwiftProtobuf
import Synchronization
import Testing
@_exported import TestSupport

/// Real infrastructure for one fencing test: a nats-server with JetStream and podguard's topology,
/// one CSI driver simulator and controller-mode `AdapterService` per family (the real adapters), the
/// shared real control plane with a namespace of the test's own, and fencing replicas.
final class FencingBed: Sendable {
    let server: NATSServerProcess
    let admin: BusConnection
    let jetStream: JetStream
    let fences: KeyValueStore
    let kube: KubeClient
    let namespace: String
    let sims: [ArrayFamilyID: CSIDriverSimulator]
    let alerts = Mutex<[Podguard_V1_Alert]>([])
    private let groups = Mutex<[(ServiceGroup, Task<Void, any Error>)]>([])
    private let adapterConnections = Mutex<[BusConnection]>([])
    let directory: URL

    static let quiet: Logger = {
        var logger = Logger(label: "test.fencing")
        logger.logLevel = .critical
        return logger
    }()

    static let drivers: [ArrayFamilyID: String] = [
        .powerflex: "csi-vxflexos.dellemc.com", .powerstore: "csi-powerstore.dellemc.com", .generic: "csi-generic.example.com",
    ]

    private init(server: NATSServerProcess, admin: BusConnection, jetStream: JetStream, fences: KeyValueStore, kube: KubeClient,
                 namespace: String, sims: [ArrayFamilyID: CSIDriverSimulator], directory: URL) {
        self.server = server
        self.admin = admin
        self.jetStream = jetStream
        self.fences = fences
        self.kube = kube
        self.namespace = namespace
        self.sims = sims
        self.directory = directory
    }

    /// The settings every test starts from: quick retries, short takeover.
    static func settings(_ replica: String) -> FencingSettings {
        FencingSettings(replicaID: replica, ackWait: .seconds(10), concurrency: 4, maxRetries: 3,
                        backoff: RetryBackoff(initial: .milliseconds(100), maximum: .milliseconds(400)),
                        validateTimeout: .seconds(5), unpublishTimeout: .seconds(10), takeoverAfter: .seconds(10))
    }

    static func with<T: Sendable>(
        families: [ArrayFamilyID] = [.powerflex], adapters: [ArrayFamilyID]? = nil, pendingAttempts: Int = 3,
        _ body: (FencingBed) async throws -> T
    ) async throws -> T {
        let bus = try await TestBus.start(logger: quiet)
        let (server, admin, js) = (bus.server, bus.admin, bus.jetStream)
        defer { server.stop() }
        let fences = try await js.keyValue(BusTopology.standard.fencesBucket)
        let kube = try await SharedKube.client(for: "fencing")
        let namespace = try await kube.createTestNamespace("fence")

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pg-fence-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var sims: [ArrayFamilyID: CSIDriverSimulator] = [:]
        for family in families {
            let sim = CSIDriverSimulator(family: family, socketPath: directory.appendingPathComponent("\(family.rawValue).sock").path,
                                         hosts: 3, logger: quiet)
            try await sim.start()
            sims[family] = sim
        }
        let bed = FencingBed(server: server, admin: admin, jetStream: js, fences: fences, kube: kube, namespace: namespace,
                             sims: sims, directory: directory)
        let subscription = try admin.subscribe(to: "\(PodguardSubjects.standard.root).alert.>", as: Podguard_V1_Alert.self)
        let collector = Task { for await message in subscription { bed.alerts.withLock { $0.append(message.payload) } } }
        do {
            for family in adapters ?? families { try await bed.startAdapter(family, pendingAttempts: pendingAttempts) }
            let result = try await body(bed)
            await bed.tearDown()
            collector.cancel()
            return result
        } catch {
            await bed.tearDown()
            collector.cancel()
            throw error
        }
    }

    static func connect(_ server: NATSServerProcess, _ name: String) async throws -> BusConnection {
        try await TestBus.connect(server, name, logger: quiet)
    }

    // MARK: Services

    func startAdapter(_ family: ArrayFamilyID, pendingAttempts: Int) async throws {
        let sim = sims[family]!
        let connection = try await Self.connect(server, "adapter-\(family.rawValue)")
        adapterConnections.withLock { $0.append(connection) }
        let settings = AdapterSettings(
            mode: .controller, csiAddress: CSIAddress(path: sim.socketPath),
            pendingRetry: PendingRetryPolicy(maxAttempts: pendingAttempts, delay: .milliseconds(10)),
            healthProbeInterval: .milliseconds(200), instance: "test")
        let readiness = ReadinessRegistry()
        let service = AdapterService(family: sim.family, connection: connection, subjects: .standard, settings: settings,
                                     readiness: readiness, logger: Self.quiet)
        start([service])
        try await eventually("adapter \(family) ready") { readiness.isReady }
    }

    /// Starts a fencing replica; returns its readiness.
    @discardableResult
    func startFencing(_ settings: FencingSettings, failover: FailoverRecorder = .metrics) async throws -> ReadinessRegistry {
        let connection = try await Self.connect(server, settings.replicaID)
        adapterConnections.withLock { $0.append(connection) }
        let readiness = ReadinessRegistry()
        var logger = Logger(label: "test.\(settings.replicaID)")
        logger.logLevel = .critical
        let service = FencingService(bus: PodguardBus(connection: connection, topology: .standard), kube: kube, settings: settings,
                                     readiness: readiness, logger: logger, version: "test", failoverRecorder: failover)
        start([service])
        try await eventually("fencing \(settings.replicaID) ready") { readiness.isReady }
        return readiness
    }

    private func start(_ services: [any Service]) {
        let group = ServiceGroup(services: services, logger: Self.quiet)
        let task = Task { try await group.run() }
        groups.withLock { $0.append((group, task)) }
    }

    func tearDown() async {
        let running = groups.withLock { groups in
            defer { groups = [] }
            return groups
        }
        for (group, _) in running.reversed() { await group.triggerGracefulShutdown() }
        for (_, task) in running { _ = try? await task.value }
        for sim in sims.values { await sim.stop() }
        for connection in adapterConnections.withLock({ $0 }) { await connection.close() }
        await admin.close()
        try? await kube.delete(Namespace.self, name: namespace)
    }

    // MARK: Kubernetes objects

    /// A Node carrying the CSI node id of the simulators' `node1` for every family, plus `taints`.
    /// With `unreachable`, its kubelet "stopped" (Ready Unknown): the control plane's node
    /// controller then adds `node.kubernetes.io/unreachable` itself (it removes one set by hand).
    func makeNode(unreachable: Bool = true, taints: [Kube.Taint] = [], csiNodeIDs: [String: String]? = nil,
                  bootID: String? = nil) async throws -> Node {
        let ids = csiNodeIDs ?? Dictionary(uniqueKeysWithValues: sims.map { (Self.drivers[$0.key]!, $0.value.nodeID(of: "node1")!) })
        var node = Node(name: "fx-\(UUID().uuidString.prefix(6).lowercased())")
        let annotation = String(decoding: try JSONEncoder().encode(ids), as: UTF8.self)
        node.metadata.annotations = ["csi.volume.kubernetes.io/nodeid": annotation]
        node.spec = NodeSpec(taints: taints.isEmpty ? nil : taints)
        let created = try await kube.create(node)
        guard unreachable else { return created }
        let name = created.metadata.name!
        let stale = Date().addingTimeInterval(-600)
        // The node controller writes the node too: read-modify-write with conflict retry.
        try await kube.update(Node.self, name: name, subresource: "status") { node in
            node.status = NodeStatus(conditions: [NodeCondition(type: "Ready", status: "Unknown", reason: "NodeStatusUnknown",
                                                                lastHeartbeatTime: stale, lastTransitionTime: stale)])
            if let bootID { node.status?.nodeInfo = NodeSystemInfo(bootID: bootID) }
        }
        try await eventually("node.kubernetes.io/unreachable on \(name)", timeout: .seconds(90)) {
            try await self.node(name).taints.contains { $0.key == "node.kubernetes.io/unreachable" && $0.effect == "NoSchedule" }
        }
        return try await self.node(name)
    }

    struct Volume: Sendable {
        var family: ArrayFamilyID
        var pv: String
        var handle: String
        var attachment: String
        var readWriteMany = false
    }

    /// A pod bound to `node` with one PVC-backed CSI volume per family (each created on the
    /// simulator, published to `node1` there, with its PV, PVC and VolumeAttachment).
    func makePod(_ name: String, on node: Node, families: [ArrayFamilyID]? = nil) async throws -> (Pod, [Volume]) {
        var volumes: [Volume] = []
        var podVolumes: [Kube.Volume] = []
        for family in families ?? sims.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
            let sim = sims[family]!
            let pvName = "pv-\(name)-\(family.rawValue)-\(UUID().uuidString.prefix(4).lowercased())"
            let created = sim.createVolume(name: pvName)
            try await CSIClient.withClient(endpoint: CSIAddress(path: sim.socketPath)) { client in
                _ = try await client.controllerPublish(volumeID: created.handle, nodeID: sim.nodeID(of: "node1")!)
            }
            let claim = "data-\(name)-\(family.rawValue)"
            var pv = PersistentVolume(name: pvName)
            pv.spec = PersistentVolumeSpec(capacity: ["storage": "1Gi"], accessModes: ["ReadWriteOnce"],
                                           csi: CSIPersistentVolumeSource(driver: Self.drivers[family]!, volumeHandle: created.handle))
            pv.spec?.claimRef = ObjectReference(apiVersion: "v1", kind: "PersistentVolumeClaim", namespace: namespace, name: claim)
            pv.spec?.storageClassName = ""
            _ = try await kube.create(pv)
            var pvc = PersistentVolumeClaim(name: claim, namespace: namespace)
            pvc.spec = PersistentVolumeClaimSpec(accessModes: ["ReadWriteOnce"], resources: ResourceRequirements(requests: ["storage": "1Gi"]),
                                                 volumeName: pvName, storageClassName: "")
            _ = try await kube.create(pvc)
            var attachment = VolumeAttachment(name: "va-\(pvName)")
            attachment.spec = VolumeAttachmentSpec(attacher: Self.drivers[family]!, persistentVolumeName: pvName, nodeName: node.metadata.name!)
            _ = try await kube.create(attachment)
            volumes.append(Volume(family: family, pv: pvName, handle: created.handle, attachment: "va-\(pvName)"))
            podVolumes.append(Kube.Volume(name: "v-\(family.rawValue)", persistentVolumeClaim: PersistentVolumeClaimVolumeSource(claimName: claim)))
        }
        var pod = Pod(name: name, namespace: namespace)
        pod.metadata.labels = ["podmon.dellemc.com/driver": "csi-vxflexos"]
        pod.spec = PodSpec(containers: [Container(name: "main", image: "registry.invalid/app:1")], nodeName: node.metadata.name)
        pod.spec?.volumes = podVolumes
        return (try await kube.create(pod), volumes)
    }

    // MARK: Requests

    /// What decision would request for the pod (see decision's MessageFactory).
    func request(for pod: Pod, node: Node, volumes: [Volume], reason: Podguard_V1_FenceReason = .nodeFailure,
                 dryRun: Bool = false) -> Podguard_V1_FenceRequest {
        var request = Podguard_V1_FenceRequest()
        request.header.producerID = "decision/test"
        request.fenceID = UUID().uuidString.lowercased()
        request.decisionID = UUID().uuidString.lowercased()
        request.header.correlationID = request.decisionID
        request.pod.namespace = namespace
        request.pod.name = pod.metadata.name!
        request.pod.uid = pod.metadata.uid!
        request.nodeName = node.metadata.name!
        request.nodeUid = node.metadata.uid!
        request.csiNodeIds = node.csiNodeIDs
        request.reason = reason
        request.dryRun = dryRun
        request.requestedAt = Google_Protobuf_Timestamp(date: Date())
        request.volumes = volumes.map { volume in
            var fenceVolume = Podguard_V1_FenceVolume()
            fenceVolume.pvName = volume.pv
            fenceVolume.driver = Self.drivers[volume.family]!
            fenceVolume.family = AdapterSubjects.contractFamily(volume.family)
            fenceVolume.volumeHandle = volume.handle
            fenceVolume.readWriteMany = volume.readWriteMany
            return fenceVolume
        }
        // A generic driver has a podguard taint only when configured (families.genericDrivers).
        request.taints = Set(volumes.map(\.family)).sorted { $0.rawValue < $1.rawValue }.compactMap { family in
            guard let key = ArrayFamilyCatalog.dellTaintKeys.podguard[Self.drivers[family]!] else { return nil }
            var taint = Podguard_V1_Taint()
            taint.key = key
            taint.effect = .noSchedule
            return taint
        }
        return request
    }

    /// decision's claim: the REQUESTED record (optionally pre-set to a later phase, to play a crash
    /// after it), then the request on the work queue.
    func submit(_ request: Podguard_V1_FenceRequest, configure: (inout Podguard_V1_FenceRecord) -> Void = { _ in }) async throws {
        var record = Self.requestedRecord(request)
        configure(&record)
        try await fences.create(PodguardKeys.fence(podUID: request.pod.uid), message: record)
        try await jetStream.publish(Podguard_V1_FenceWork(naming: request), to: PodguardSubjects.standard.fenceRequest(request.nodeName),
                                    messageID: request.fenceID)
    }

    /// The REQUESTED record decision writes for `request` (decision's own message builder).
    static func requestedRecord(_ request: Podguard_V1_FenceRequest) -> Podguard_V1_FenceRecord {
        var record = FencingMessages(producerID: "decision/test", version: "0").requestedRecord(for: request, note: "", at: Date())
        record.dryRun = request.dryRun
        return record
    }

    /// Plays the watcher: puts `pod` into bucket podguard-pods (key `<namespace>.<name>`).
    func putPodState(_ pod: Podguard_V1_PodState) async throws {
        let pods = try await jetStream.keyValue(BusTopology.standard.podsBucket)
        try await pods.put(PodguardKeys.pod(namespace: pod.namespace, name: pod.name), message: pod)
    }

    func record(_ podUID: String) async throws -> Podguard_V1_FenceRecord? {
        try await fences.get(PodguardKeys.fence(podUID: podUID), as: Podguard_V1_FenceRecord.self)?.value
    }

    /// Waits until the pod's record is terminal and returns it.
    func terminalRecord(_ podUID: String, timeout: Duration = .seconds(60)) async throws -> Podguard_V1_FenceRecord {
        var last: Podguard_V1_FenceRecord?
        try await eventually("terminal FenceRecord of \(podUID)", timeout: timeout) {
            last = try await record(podUID)
            return last?.phase == .podDeleted || last?.phase == .aborted
        }
        return last!
    }

    // MARK: Observations

    func pod(_ name: String) async throws -> Pod? { try await kube.getIfPresent(Pod.self, name: name, namespace: namespace) }
    func node(_ name: String) async throws -> Node { try await kube.get(Node.self, name: name) }
    func attachmentExists(_ name: String) async throws -> Bool { try await kube.getIfPresent(VolumeAttachment.self, name: name) != nil }

    /// The notes of the Events on the pod (events.k8s.io/v1).
    func eventNotes(podUID: String) async throws -> [String] {
        try await kube.list(Kube.Event.self, namespace: namespace).items.filter { $0.regarding?.uid == podUID }.compactMap(\.note)
    }

    func alerts(fenceID: String) -> [Podguard_V1_Alert] { alerts.withLock { $0.filter { $0.fenceID == fenceID } } }
}

extension FencingBed {
    /// The simulator's node1 loses its path to the family's arrays: the array says "not connected".
    func disconnect(_ family: ArrayFamilyID = .powerflex) {
        let sim = sims[family]!
        for array in sim.arrays { sim.inject(.path(host: "node1", array: array, down: true)) }
    }

    /// Nothing of the pod changed: its volumes still mapped and attached, no unpublish, no podguard
    /// taint, the pod itself untouched.
    func expectNothingChanged(pod: Pod, node: Node, volumes: [Volume]) async throws {
        for volume in volumes {
            #expect(sims[volume.family]!.mappings(of: volume.handle) == ["node1"])
            #expect(try await attachmentExists(volume.attachment))
        }
        #expect(sims.values.allSatisfy { $0.callCount("ControllerUnpublishVolume") == 0 })
        #expect(try await self.node(node.metadata.name!).taints.map(\.key).allSatisfy { !$0.hasSuffix("podmon.storage.dell.com") })
        #expect(try await self.pod(pod.metadata.name!)?.metadata.uid == pod.metadata.uid)
    }
}
