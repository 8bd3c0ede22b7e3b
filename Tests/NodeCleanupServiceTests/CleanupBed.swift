import AdapterKit
import ArrayFamily
import Bus
import BusService
import Contracts
import CSI
import CSISimulator
import FamilyCatalog
import Foundation
import Harness
import Kube
import Logging
import NodeCleanupCore
import NodeCleanupService
import PowerFlexFamily
import ServiceKit
import ServiceLifecycle
import SwiftProtobuf
import Synchronization
import Testing
@_exported import TestSupport

/// Everything a node-cleanup scenario runs against, all real: a nats-server with podguard's
/// topology, the shared kube-apiserver (a Node of its own, kept Ready by `NodeHeartbeat`), a
/// PowerFlex CSI driver simulator and the REAL node-mode `AdapterService` in front of it (its
/// container runtime scripted), and node-cleanup itself, which a test can stop and start again.
final class CleanupBed: Sendable {
    static let taintKey = PowerFlexFamily().podmonTaintKey
    static let flexDriver = PowerFlexFamily().csiDriverName
    static let foreignTaint = Taint(key: "example.com/maintenance", effect: "NoSchedule")

    let server: NATSServerProcess
    let admin: BusConnection
    let jetStream: JetStream
    let fences: KeyValueStore
    let kube: KubeClient
    let nodeName: String
    let heartbeat: NodeHeartbeat
    let sim: CSIDriverSimulator
    let runtime: ScriptedContainerRuntime
    let settings: NodeCleanupSettings
    private let adapterGroup: ServiceGroup
    private let adapterTask: Task<Void, any Error>
    private let adapterConnection: BusConnection
    private let directory: URL
    private let running = Mutex<(task: Task<Void, any Error>, connection: BusConnection, readiness: ReadinessRegistry)?>(nil)

    static let quiet: Logger = {
        var logger = Logger(label: "test.cleanup")
        logger.logLevel = .critical
        return logger
    }()

    private init(server: NATSServerProcess, admin: BusConnection, jetStream: JetStream, fences: KeyValueStore, kube: KubeClient,
                 nodeName: String, heartbeat: NodeHeartbeat, sim: CSIDriverSimulator, runtime: ScriptedContainerRuntime,
                 settings: NodeCleanupSettings, adapterGroup: ServiceGroup, adapterTask: Task<Void, any Error>,
                 adapterConnection: BusConnection, directory: URL) {
        self.server = server
        self.admin = admin
        self.jetStream = jetStream
        self.fences = fences
        self.kube = kube
        self.nodeName = nodeName
        self.heartbeat = heartbeat
        self.sim = sim
        self.runtime = runtime
        self.settings = settings
        self.adapterGroup = adapterGroup
        self.adapterTask = adapterTask
        self.adapterConnection = adapterConnection
        self.directory = directory
    }

    /// Runs `body` against a fresh bed and tears it down, also when `body` throws.
    static func with(requireBootIDChange: Bool = false, ignoreVolumeless: Bool = false, pendingAttempts: Int = 3,
                     _ body: (CleanupBed) async throws -> Void) async throws {
        let bed = try await start(requireBootIDChange: requireBootIDChange, ignoreVolumeless: ignoreVolumeless,
                                  pendingAttempts: pendingAttempts)
        do {
            try await body(bed)
            await bed.tearDown()
        } catch {
            await bed.tearDown()
            throw error
        }
    }

    private static func start(requireBootIDChange: Bool, ignoreVolumeless: Bool, pendingAttempts: Int) async throws -> CleanupBed {
        let bus = try await TestBus.start(logger: quiet)
        let (server, admin, js) = (bus.server, bus.admin, bus.jetStream)
        let fences = try await js.keyValue(BusTopology.standard.fencesBucket)

        let kube = try await SharedKube.client(for: "node-cleanup")
        let nodeName = "cleanup-\(UUID().uuidString.prefix(6).lowercased())"
        let heartbeat = NodeHeartbeat(client: kube, name: nodeName)
        try await heartbeat.start()

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pg-cleanup-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let socket = directory.appendingPathComponent("csi.sock").path
        let sim = CSIDriverSimulator(family: .powerflex, socketPath: socket, hosts: 3, nodeName: "node1", logger: quiet)
        try await sim.start()
        let runtime = ScriptedContainerRuntime()
        let adapterConnection = try await BusConnection.connect(BusOptions(servers: [server.url], name: "adapter"), logger: quiet)
        try await adapterConnection.waitUntilConnected(timeout: .seconds(5))
        let adapterReadiness = ReadinessRegistry()
        let adapter = AdapterService(
            family: PowerFlexFamily(), connection: adapterConnection, subjects: .standard,
            settings: AdapterSettings(mode: .node(nodeName), csiAddress: CSIAddress(path: socket),
                                      pendingRetry: PendingRetryPolicy(maxAttempts: pendingAttempts, delay: .milliseconds(10)),
                                      healthProbeInterval: .milliseconds(200), instance: "test"),
            readiness: adapterReadiness, containers: runtime, logger: quiet)
        let group = ServiceGroup(services: [adapter], logger: quiet)
        let adapterTask = Task { try await group.run() }

        let settings = NodeCleanupSettings(
            nodeName: nodeName, instance: "test",
            timing: CleanupCycleTiming(stabilityWindow: .seconds(3), observationTimeout: .milliseconds(1500),
                                       retryInitialDelay: .milliseconds(500), retryMaxDelay: .seconds(2)),
            apiCheckInterval: .milliseconds(500), ignoreVolumelessPods: ignoreVolumeless,
            requireBootIDChangeAfterZombies: requireBootIDChange, adapterCallTimeout: .seconds(5),
            adapterReplyTimeout: .seconds(15), containerCheckTimeout: .seconds(3))
        let bed = CleanupBed(server: server, admin: admin, jetStream: js, fences: fences, kube: kube, nodeName: nodeName,
                             heartbeat: heartbeat, sim: sim, runtime: runtime, settings: settings, adapterGroup: group,
                             adapterTask: adapterTask, adapterConnection: adapterConnection, directory: directory)
        try await eventually("the node adapter is ready") { adapterReadiness.isReady }
        try await eventually("the node is Ready and free of not-ready taints") {
            let node = try await kube.get(Node.self, name: nodeName)
            return node.readyCondition?.status == "True" && !node.taints.contains { $0.key.hasPrefix("node.kubernetes.io/") }
        }
        return bed
    }

    func tearDown() async {
        await stopCleanup()
        await adapterGroup.triggerGracefulShutdown()
        _ = try? await adapterTask.value
        await sim.stop()
        await heartbeat.stop()
        await adapterConnection.close()
        await admin.close()
        server.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    // MARK: node-cleanup

    /// Starts node-cleanup (a connection of its own, as a separate process would have).
    func startCleanup() async throws {
        let connection = try await BusConnection.connect(BusOptions(servers: [server.url], name: "node-cleanup"), logger: Self.quiet)
        let readiness = ReadinessRegistry()
        let service = NodeCleanupService(bus: PodguardBus(connection: connection, topology: .standard), kube: kube, settings: settings,
                                         families: FamilyRegistry(), readiness: readiness, logger: Self.quiet, version: "0.1.0")
        let task = Task { try await service.run() }
        running.withLock { $0 = (task, connection, readiness) }
    }

    var cleanupReadiness: ReadinessRegistry? { running.withLock { $0?.readiness } }

    /// Stops node-cleanup abruptly (task cancelled, connection closed): what a crash leaves behind.
    func stopCleanup() async {
        guard let (task, connection, _) = running.withLock({ value in defer { value = nil }; return value }) else { return }
        task.cancel()
        _ = await task.result
        await connection.close()
    }

    // MARK: Fixtures

    /// A volume published and mounted for `podUID` on the simulator's node, as the kubelet did
    /// before the node failed: ControllerPublish, NodeStage at the family's staging path,
    /// NodePublish at the pod's target path.
    func mountVolume(pv: String, podUID: String) async throws -> Podguard_V1_FenceVolume {
        let volume = sim.createVolume(name: pv)
        let plan = sim.family.cleanupPlan(for: VolumeOnNode(podUID: podUID, pvName: pv, volumeHandle: volume.handle))
        let nodeID = try #require(sim.nodeID(of: "node1"))
        try await CSIClient.withClient(endpoint: CSIAddress(path: sim.socketPath),
                                       configuration: CSIClientConfiguration(defaultDeadline: .seconds(5))) { client in
            let context = try await client.controllerPublish(volumeID: volume.handle, nodeID: nodeID)
            let staging = plan.stagingPaths.last ?? ""
            try await client.nodeStage(volumeID: volume.handle, stagingTargetPath: staging, publishContext: context)
            try await client.nodePublish(volumeID: volume.handle, targetPath: plan.targetPath, stagingTargetPath: staging,
                                         publishContext: context)
        }
        var fenceVolume = Podguard_V1_FenceVolume()
        fenceVolume.pvName = pv
        fenceVolume.pvcName = "data-\(pv)"
        fenceVolume.driver = Self.flexDriver
        fenceVolume.family = .powerflex
        fenceVolume.volumeHandle = volume.handle
        return fenceVolume
    }

    func mounts(_ volume: Podguard_V1_FenceVolume) -> Set<String> { sim.mounts(of: volume.volumeHandle, on: "node1") }

    /// A FenceRecord as fencing leaves it after force-deleting the pod from `node`.
    func putRecord(pod: String, uid: String, node: String? = nil, volumes: [Podguard_V1_FenceVolume],
                   phase: Podguard_V1_FencePhase = .podDeleted, taintsApplied: [Podguard_V1_Taint] = [],
                   provenBy: Podguard_V1_LadderStep = .unspecified, provenBootID: String = "") async throws {
        var record = Podguard_V1_FenceRecord()
        record.header.producerID = "fencing/test"
        record.fenceID = "fence-\(uid)"
        record.decisionID = "decision-\(uid)"
        record.pod.namespace = "db"
        record.pod.name = pod
        record.pod.uid = uid
        record.nodeName = node ?? nodeName
        record.nodeUid = "uid-\(node ?? nodeName)"
        record.reason = .nodeFailure
        record.phase = phase
        record.request.volumes = volumes
        record.request.pod = record.pod
        record.request.nodeName = record.nodeName
        record.taintsApplied = taintsApplied
        record.nodeProvenBy = provenBy
        record.nodeProvenBootID = provenBootID
        record.volumes = volumes.map { volume in
            var status = Podguard_V1_FenceVolumeStatus()
            status.volume = volume
            status.fenced = true
            return status
        }
        _ = try await fences.put(PodguardKeys.fence(podUID: uid), message: record)
    }

    func record(uid: String) async throws -> Podguard_V1_FenceRecord? {
        try await fences.get(PodguardKeys.fence(podUID: uid), as: Podguard_V1_FenceRecord.self)?.value
    }

    func taint() async throws {
        try await kube.addTaint(Taint(key: Self.taintKey, effect: "NoSchedule"), toNode: nodeName)
        try await kube.addTaint(Self.foreignTaint, toNode: nodeName)
    }

    /// Plays the array-prober: puts its PowerFlex verdict for this node, produced at `producedAt`.
    func putConnectivity(_ verdict: Podguard_V1_ConnectivityVerdict, producedAt: Date = Date(),
                         pollInterval: Int64 = 60) async throws {
        var message = Podguard_V1_ArrayConnectivity()
        message.nodeName = nodeName
        message.family = .powerflex
        message.verdict = verdict
        message.header.producedAt = Google_Protobuf_Timestamp(date: producedAt)
        message.pollInterval = Google_Protobuf_Duration(seconds: pollInterval)
        let connectivity = try await jetStream.keyValue(BusTopology.standard.connectivityBucket)
        _ = try await connectivity.put(PodguardKeys.connectivity(family: .powerflex, node: nodeName), value: try message.serializedBytes())
    }

    func taints() async throws -> [Taint] { try await kube.get(Node.self, name: nodeName).taints }

    func isPodguardTainted() async throws -> Bool { try await taints().contains { $0.key == Self.taintKey } }

    /// Every CleanupReport of the node so far, oldest first.
    func reports() async throws -> [Podguard_V1_CleanupReport] {
        try await readAll(stream: BusTopology.standard.eventStream.name, subject: BusTopology.standard.subjects.cleanup(nodeName),
                          as: Podguard_V1_CleanupReport.self)
    }

    /// Every alert so far, oldest first.
    func alerts() async throws -> [Podguard_V1_Alert] {
        try await readAll(stream: BusTopology.standard.alertStream.name, subject: "podguard.v1.alert.>", as: Podguard_V1_Alert.self)
    }

    private func readAll<M: SwiftProtobufMessage>(stream: String, subject: String, as type: M.Type) async throws -> [M] {
        let name = "test-\(UUID().uuidString.prefix(8))"
        try await jetStream.createOrUpdateConsumer(stream: stream, ConsumerConfiguration(durableName: name, filterSubject: subject))
        defer { Task { [jetStream] in try? await jetStream.deleteConsumer(stream: stream, durableName: name) } }
        let consumer = try await jetStream.pullConsumer(stream: stream, durableName: name, filterSubject: subject)
        var result: [M] = []
        while true {
            let batch = try await consumer.fetch(batch: 100, timeout: .milliseconds(300))
            if batch.isEmpty { return result }
            for message in batch {
                result.append(try message.decode(as: M.self))
                try? message.ack()
            }
        }
    }
}

typealias SwiftProtobufMessage = SwiftProtobuf.Message & Sendable

/// Polls `condition` until it holds, a condition that throws counting as not yet holding.
func eventually(_ what: String, timeout: Duration = .seconds(60), every interval: Duration = .milliseconds(100),
                _ condition: () async throws -> Bool) async throws {
    try await TestSupport.eventually(what, timeout: timeout, every: interval, retryingErrors: true, condition)
}
