import ArrayProberCore
import ArrayProberService
import Bus
import BusService
import Contracts
import Foundation
import Harness
import Logging
import ServiceKit
import SwiftProtobuf
import Testing

@Suite("array-prober against a real nats-server", .serialized)
struct ArrayProberServiceTests {
    static let topology = BusTopology(proberLeaseTTL: .seconds(2))
    static let quiet: Logger = {
        var logger = Logger(label: "test.prober")
        logger.logLevel = .warning
        return logger
    }()

    static func connect(_ server: NATSServerProcess, _ name: String) async throws -> BusConnection {
        let connection = try await BusConnection.connect(BusOptions(servers: [server.url], name: name), logger: quiet)
        try await connection.waitUntilConnected(timeout: .seconds(5))
        return connection
    }

    static func pod(_ name: String, node: String) -> Podguard_V1_PodState {
        var pod = Podguard_V1_PodState()
        pod.namespace = "db"
        pod.name = name
        pod.uid = "uid-\(name)"
        pod.nodeName = node
        var volume = Podguard_V1_VolumeState()
        volume.driver = "csi-vxflexos.dellemc.com"
        volume.family = .powerflex
        volume.volumeHandle = "7b2f0c5e00000001-\(name)"
        volume.arrayIds = ["7b2f0c5e00000001"]
        volume.bound = true
        pod.volumes = [volume]
        return pod
    }

    static func node(_ name: String) -> Podguard_V1_NodeState {
        var node = Podguard_V1_NodeState()
        node.name = name
        node.uid = "uid-\(name)"
        node.csiNodeIds = ["csi-vxflexos.dellemc.com": "sdc-\(name)"]
        return node
    }

    struct Bed {
        let server: NATSServerProcess
        let admin: BusConnection
        let adapter: FakeAdapter
        let connectivity: KeyValueStore
        let members: KeyValueStore
    }

    static func bed(nodes: [String]) async throws -> Bed {
        let server = try await NATSServerProcess.start(jetStream: true)
        let admin = try await connect(server, "admin")
        let js = try admin.jetStream()
        try await TopologyInstaller.ensure(topology, on: js, logger: quiet)
        let pods = try await js.keyValue(topology.podsBucket)
        let nodeStates = try await js.keyValue(topology.nodesBucket)
        for name in nodes {
            try await nodeStates.put(PodguardKeys.node(name), message: node(name))
            try await pods.put(PodguardKeys.pod(namespace: "db", name: "pod-\(name)"), message: pod("pod-\(name)", node: name))
        }
        let adapter = FakeAdapter()
        try adapter.start(on: admin, subject: topology.subjects.adapterController(family: .powerflex, operation: .validateHostConnectivity))
        try await admin.flush()
        return Bed(server: server, admin: admin, adapter: adapter,
                   connectivity: try await js.keyValue(topology.connectivityBucket),
                   members: try await js.keyValue(topology.proberBucket))
    }

    static func startReplica(_ bed: Bed, id: String) async throws -> (Task<Void, any Error>, BusConnection) {
        let connection = try await connect(bed.server, id)
        let settings = ProberSettings(pollInterval: .milliseconds(150), lossThreshold: 3, probeTimeout: .milliseconds(300), replicaID: id)
        let service = ArrayProberService(bus: PodguardBus(connection: connection, topology: topology), settings: settings,
                                         readiness: ReadinessRegistry(), logger: quiet)
        return (Task { try await service.run() }, connection)
    }

    static func verdict(_ bed: Bed, _ node: String) async throws -> Podguard_V1_ArrayConnectivity? {
        try await bed.connectivity.get(PodguardKeys.connectivity(family: .powerflex, node: node), as: Podguard_V1_ArrayConnectivity.self)?.value
    }

    static func eventually(_ condition: () async throws -> Bool) async throws -> Bool {
        for _ in 0..<100 {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// The adapter's requests over a one-second window, repeated (up to 20 windows) until `settled`
    /// holds: replicas converge on a membership change within a few refreshes, and how long that
    /// takes on a loaded machine is not what the test is about. The last window is returned either way.
    static func settledWindow(_ bed: Bed, _ settled: ([(node: String, replica: String)]) -> Bool) async throws -> [(node: String, replica: String)] {
        var requests: [(node: String, replica: String)] = []
        for _ in 0..<20 {
            bed.adapter.reset()
            try await Task.sleep(for: .seconds(1))
            requests = bed.adapter.requests()
            if settled(requests) { break }
        }
        return requests
    }

    @Test("loss after three consecutive disconnected samples; errors and silence assume connected; recovery resets")
    func lossThreshold() async throws {
        let bed = try await Self.bed(nodes: ["w1", "w2", "w3", "w4"])
        defer { bed.server.stop() }
        bed.adapter.answer("w1", .connectivity(.disconnected, io: false))
        bed.adapter.answer("w3", .error(.transient))
        bed.adapter.answer("w4", .silent)
        let (replica, connection) = try await Self.startReplica(bed, id: "prober-a")

        #expect(try await Self.eventually { try await Self.verdict(bed, "w1")?.verdict == .lost })
        let lost = try #require(try await Self.verdict(bed, "w1"))
        #expect(lost.arrays.first?.consecutiveFailures ?? 0 >= 3)
        #expect(lost.lossThreshold == 3)
        #expect(lost.hasLostSince)
        for node in ["w2", "w3", "w4"] {
            let message = try #require(try await Self.verdict(bed, node))
            #expect(message.verdict == .connected, "\(node)")
            #expect(message.arrays.allSatisfy { $0.consecutiveFailures == 0 }, "\(node)")
        }
        #expect(try await Self.verdict(bed, "w3")?.arrays.first?.lastError.contains("transient") == true)

        bed.adapter.answer("w1", .connectivity(.connected, io: false))
        #expect(try await Self.eventually { try await Self.verdict(bed, "w1")?.verdict == .connected })
        replica.cancel()
        _ = await replica.result
        await connection.close()
        await bed.admin.close()
    }

    @Test("a nats-server restart (10 s down, same port and store) is ridden out: the prober keeps running and publishes again")
    func busRestart() async throws {
        let bed = try await Self.bed(nodes: ["w1", "w2"])
        defer { bed.server.stop() }
        bed.adapter.answer("w1", .connectivity(.disconnected, io: false))
        let (replica, connection) = try await Self.startReplica(bed, id: "prober-a")
        #expect(try await Self.eventually { try await Self.verdict(bed, "w1")?.verdict == .lost })

        try await bed.server.restart(downtime: .seconds(10))
        let back = Date()
        // Puts and requests timed out while the server was down; the service must not have ended:
        // it publishes again, and goes on publishing.
        func publishedAfter(_ date: Date) async throws -> Date? {
            guard let verdict = try await Self.verdict(bed, "w2") else { return nil }
            let produced = verdict.header.producedAt.date
            return produced > date ? produced : nil
        }
        #expect(try await Self.eventually { try await publishedAfter(back) != nil })
        let first = try await publishedAfter(back) ?? back
        #expect(try await Self.eventually { try await publishedAfter(first) != nil })
        #expect(try await Self.verdict(bed, "w1")?.verdict == .lost)
        replica.cancel()
        _ = await replica.result
        await connection.close()
        await bed.admin.close()
    }

    @Test("two replicas split the nodes: each node is probed by one replica; a replica that leaves hands its nodes over")
    func sharing() async throws {
        let nodes = (1...8).map { "w\($0)" }
        let bed = try await Self.bed(nodes: nodes)
        defer { bed.server.stop() }
        let (a, connectionA) = try await Self.startReplica(bed, id: "prober-a")
        let (b, connectionB) = try await Self.startReplica(bed, id: "prober-b")
        #expect(try await Self.eventually { Set(try await bed.members.keys()).count == 2 })
        // Each replica sees the other within a membership refresh or two (longer on a loaded
        // machine); once both do, every node is probed by exactly one of them.
        let split = try await Self.settledWindow(bed) { requests in
            let byNode = Dictionary(grouping: requests, by: \.node)
            return Set(byNode.keys) == Set(nodes) && byNode.values.allSatisfy { Set($0.map(\.replica)).count == 1 }
                && Set(requests.map(\.replica)) == ["array-prober/prober-a", "array-prober/prober-b"]
        }
        let byNode = Dictionary(grouping: split, by: \.node)
        #expect(Set(byNode.keys) == Set(nodes))
        for (node, asks) in byNode {
            #expect(Set(asks.map(\.replica)).count == 1, "\(node) probed by \(Set(asks.map(\.replica)))")
        }
        #expect(Set(split.map(\.replica)) == ["array-prober/prober-a", "array-prober/prober-b"])

        // prober-b stops: its lease is deleted, prober-a takes every node.
        b.cancel()
        _ = await b.result
        await connectionB.close()
        let after = try await Self.settledWindow(bed) { requests in
            Set(requests.map(\.node)) == Set(nodes) && Set(requests.map(\.replica)) == ["array-prober/prober-a"]
        }
        #expect(Set(after.map(\.node)) == Set(nodes))
        #expect(Set(after.map(\.replica)) == ["array-prober/prober-a"])
        a.cancel()
        _ = await a.result
        await connectionA.close()
        await bed.admin.close()
    }

    @Test("a crashed replica's nodes are probed again once its lease expires")
    func crashedReplicaExpires() async throws {
        let nodes = (1...8).map { "w\($0)" }
        let bed = try await Self.bed(nodes: nodes)
        defer { bed.server.stop() }
        // A lease left behind by a replica that died without handing over.
        var ghost = Podguard_V1_ProberLease()
        ghost.replicaID = "ghost"
        try await bed.members.put(PodguardKeys.proberLease(replicaID: "ghost"), message: ghost)
        let (a, connection) = try await Self.startReplica(bed, id: "prober-a")
        try await Task.sleep(for: .milliseconds(500))
        let whileGhostLives = Set(bed.adapter.requests().map(\.node))
        #expect(whileGhostLives.count < nodes.count)
        // The bucket's TTL (2 s here, 30 s by default) removes the ghost.
        #expect(try await Self.eventually { !(try await bed.members.keys()).contains("replica.ghost") })
        try await Task.sleep(for: .milliseconds(300))
        bed.adapter.reset()
        try await Task.sleep(for: .milliseconds(500))
        #expect(Set(bed.adapter.requests().map(\.node)) == Set(nodes))
        a.cancel()
        _ = await a.result
        await connection.close()
        await bed.admin.close()
    }
}
