import AdapterKit
import ArrayFamily
import Bus
import Contracts
import CRI
import CSI
import CSISimulator
import Foundation
import Harness
import Logging
import ServiceKit
import ServiceLifecycle
import SwiftProtobuf

/// A real nats-server, a family's CSI driver simulator on a fresh socket, and an `AdapterService`
/// serving it, with a requester connection; torn down by graceful shutdown.
struct AdapterBed: Sendable {
    let sim: CSIDriverSimulator
    let requester: BusConnection
    let readiness: ReadinessRegistry
    let subjects: AdapterSubjects
    let group: ServiceGroup
    let socketPath: String

    static let quiet: Logger = {
        var logger = Logger(label: "test.adapter")
        logger.logLevel = .critical
        return logger
    }()

    /// The request of `operation`, answered as `Reply`.
    func request<Reply: SwiftProtobuf.Message>(
        _ operation: AdapterOperation, _ message: some SwiftProtobuf.Message, as type: Reply.Type,
        timeout: Duration = .seconds(10)
    ) async throws -> Reply {
        try await requester.request(message, to: subjects.subject(operation), expecting: Reply.self, timeout: timeout)
    }

    func probe() async throws -> Podguard_V1_ProbeReply {
        try await request(.probe, Podguard_V1_ProbeRequest(), as: Podguard_V1_ProbeReply.self)
    }

    func validate(node: String = "node1", volumes: [String] = [], arrayID: String = "")
        async throws -> Podguard_V1_ValidateHostConnectivityReply
    {
        var request = Podguard_V1_ValidateHostConnectivityRequest()
        request.nodeName = node
        request.csiNodeID = sim.nodeID(of: node) ?? ""
        request.volumeHandles = volumes
        request.arrayID = arrayID
        return try await self.request(.validateHostConnectivity, request, as: Podguard_V1_ValidateHostConnectivityReply.self)
    }

    /// Waits until `condition` holds (polling); false if it did not within `limit`. Not a timing
    /// assertion: the limit only bounds a broken test.
    static func eventually(within limit: Duration = .seconds(15), _ condition: () async -> Bool) async -> Bool {
        let end = ContinuousClock.now + limit
        while ContinuousClock.now < end {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return await condition()
    }
}

/// A CSI client of the bed's simulator, for setting up publishes and mounts as the kubelet would.
func withDriverClient<T: Sendable>(_ bed: AdapterBed, _ body: (CSIClient) async throws -> T) async throws -> T {
    try await CSIClient.withClient(endpoint: CSIAddress(path: bed.socketPath),
                                   configuration: CSIClientConfiguration(defaultDeadline: .seconds(5))) { client in
        try await body(client)
    }
}

func withAdapter<T: Sendable>(
    _ family: ArrayFamilyID, node: String? = nil, knownArrays: Bool = false,
    pendingAttempts: Int = 3, containers: (any ContainerRuntime)? = nil, criEndpoint: CRIEndpoint? = nil,
    _ body: (AdapterBed) async throws -> T
) async throws -> T {
    let server = try await NATSServerProcess.start(jetStream: false)
    defer { server.stop() }
    let dir = FileManager.default.temporaryDirectory
        .appendingPathComponent("pg-adapter-\(UInt32.random(in: 0...UInt32.max))", isDirectory: true)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let socket = dir.appendingPathComponent("csi.sock").path
    let sim = CSIDriverSimulator(family: family, socketPath: socket, hosts: 3, nodeName: node ?? "node1",
                                 logger: AdapterBed.quiet)
    try await sim.start()

    let serviceConnection = try await BusConnection.connect(BusOptions(servers: [server.url], name: "adapter"), logger: AdapterBed.quiet)
    let requester = try await BusConnection.connect(BusOptions(servers: [server.url], name: "requester"), logger: AdapterBed.quiet)
    try await serviceConnection.waitUntilConnected(timeout: .seconds(5))
    try await requester.waitUntilConnected(timeout: .seconds(5))

    let mode: AdapterMode = node.map { .node($0) } ?? .controller
    let settings = AdapterSettings(
        mode: mode, csiAddress: CSIAddress(path: socket),
        pendingRetry: PendingRetryPolicy(maxAttempts: pendingAttempts, delay: .milliseconds(10)),
        knownArrays: knownArrays ? sim.arrays : [], healthProbeInterval: .milliseconds(100), instance: "test",
        criEndpoint: criEndpoint)
    let readiness = ReadinessRegistry()
    let familyModule = FamilyCatalog.family(family)
    let service = AdapterService(family: familyModule, connection: serviceConnection, subjects: .standard,
                                 settings: settings, readiness: readiness, containers: containers,
                                 logger: AdapterBed.quiet)
    let group = ServiceGroup(services: [service], logger: AdapterBed.quiet)
    let running = Task { try await group.run() }
    let bed = AdapterBed(sim: sim, requester: requester, readiness: readiness,
                         subjects: AdapterSubjects(subjects: .standard, family: family, mode: mode),
                         group: group, socketPath: socket)

    func tearDown() async {
        await group.triggerGracefulShutdown()
        _ = try? await running.value
        await sim.stop()
        await requester.close()
        await serviceConnection.close()
    }
    do {
        guard await AdapterBed.eventually({ readiness.isReady }) else {
            throw AdapterTestError("the adapter did not become ready: \(readiness.snapshot())")
        }
        let result = try await body(bed)
        await tearDown()
        return result
    } catch {
        await tearDown()
        throw error
    }
}

struct AdapterTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
