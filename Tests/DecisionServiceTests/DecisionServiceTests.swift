import Bus
import BusService
import Contracts
import DecisionCore
import DecisionService
import FamilyCatalog
import Foundation
import Harness
import Logging
import Policy
import ServiceKit
import SwiftProtobuf
import Testing

@Suite("decision service against a real nats-server", .serialized)
struct DecisionServiceTests {
    static func connect(_ server: NATSServerProcess, name: String) async throws -> BusConnection {
        var logger = Logger(label: "test.\(name)")
        logger.logLevel = .warning
        let connection = try await BusConnection.connect(BusOptions(servers: [server.url], name: name), logger: logger)
        try await connection.waitUntilConnected(timeout: .seconds(5))
        return connection
    }

    static func startReplica(_ server: NATSServerProcess, name: String) async throws -> (Task<Void, any Error>, BusConnection, ReadinessRegistry) {
        let connection = try await connect(server, name: name)
        let readiness = ReadinessRegistry()
        var logger = Logger(label: "test.\(name)")
        logger.logLevel = .warning
        let engine = DecisionEngine(configuration: .init(), taintKeys: ArrayFamilyCatalog.dellTaintKeys, producerID: "decision/\(name)",
                                    version: "0.1.0") { UUID().uuidString.lowercased() }
        let service = DecisionService(bus: PodguardBus(connection: connection, topology: .standard), engine: engine, readiness: readiness,
                                      logger: logger, reevaluateEvery: .milliseconds(200))
        return (Task { try await service.run() }, connection, readiness)
    }

    /// Two decision replicas, once both are ready.
    static func startTwoReplicas(_ server: NATSServerProcess) async throws -> [(Task<Void, any Error>, BusConnection)] {
        let (replicaA, connectionA, readinessA) = try await startReplica(server, name: "decision-a")
        let (replicaB, connectionB, readinessB) = try await startReplica(server, name: "decision-b")
        for _ in 0..<100 where !(readinessA.isReady && readinessB.isReady) { try await Task.sleep(for: .milliseconds(50)) }
        #expect(readinessA.isReady && readinessB.isReady)
        return [(replicaA, connectionA), (replicaB, connectionB)]
    }

    static func stop(_ replicas: [(Task<Void, any Error>, BusConnection)]) async {
        for (task, _) in replicas { task.cancel() }
        for (task, connection) in replicas {
            _ = await task.result
            await connection.close()
        }
    }

    @Test("two replicas, one failed node: exactly one claim and one fence request; the decision is recorded")
    func exactlyOneReplicaActs() async throws {
        let server = try await NATSServerProcess.start(jetStream: true)
        defer { server.stop() }
        let admin = try await Self.connect(server, name: "admin")
        let js = try admin.jetStream()
        try await TopologyInstaller.ensure(.standard, on: js, logger: Logger(label: "test"))
        let replicas = try await Self.startTwoReplicas(server)

        let topology = BusTopology.standard
        let nodes = try await js.keyValue(topology.nodesBucket)
        let pods = try await js.keyValue(topology.podsBucket)
        let fences = try await js.keyValue(topology.fencesBucket)
        try await nodes.put(PodguardKeys.node("w1"), message: Fixture.node("w1"))
        try await pods.put(Fixture.podKey("pg-0"), message: Fixture.pod("pg-0", node: "w1"))
        try await pods.put(Fixture.podKey("pg-1"), message: Fixture.pod("pg-1", node: "w1", ready: .true))
        try await Task.sleep(for: .milliseconds(300))
        try await nodes.put(PodguardKeys.node("w1"), message: Fixture.node("w1", taints: [("node.kubernetes.io/unreachable", .noExecute)], rv: "2"))

        let consumer = try await js.pullConsumer(stream: topology.workStream.name, durableName: topology.fenceRequestConsumer.durableName,
                                                 filterSubject: topology.fenceRequestConsumer.filterSubject)
        var requests: [Podguard_V1_FenceWork] = []
        for _ in 0..<20 where requests.isEmpty {
            for message in try await consumer.fetch(batch: 10, timeout: .milliseconds(250)) {
                requests.append(try message.decode(as: Podguard_V1_FenceWork.self))
                try message.ack()
            }
        }
        // Let both replicas re-evaluate several times: nothing more may arrive.
        try await Task.sleep(for: .seconds(1))
        for message in try await consumer.fetch(batch: 10, timeout: .milliseconds(300)) {
            requests.append(try message.decode(as: Podguard_V1_FenceWork.self))
        }
        #expect(requests.map(\.pod.name) == ["pg-0"])
        let work = try #require(requests.first)
        let record = try #require(try await fences.get(PodguardKeys.fence(podUID: "uid-pg-0"), as: Podguard_V1_FenceRecord.self))
        #expect(record.value.phase == .requested)
        #expect(record.value.fenceID == work.fenceID)
        #expect(work.pod.uid == "uid-pg-0")
        #expect(record.value.request.reason == .nodeFailure)
        #expect(record.value.request.fenceID == work.fenceID)
        #expect(try await fences.get(PodguardKeys.fence(podUID: "uid-pg-1")) == nil)

        // The audit trail has the decision that requested it.
        try await js.createOrUpdateConsumer(stream: topology.eventStream.name, ConsumerConfiguration(
            durableName: "test-audit", filterSubject: topology.subjects.decision(namespace: "db", pod: "pg-0")))
        let audit = try await js.pullConsumer(stream: topology.eventStream.name, durableName: "test-audit",
                                              filterSubject: topology.subjects.decision(namespace: "db", pod: "pg-0"))
        let decisions = try await audit.fetch(batch: 20, timeout: .seconds(1)).map { try $0.decode(as: Podguard_V1_DecisionRecord.self) }
        #expect(decisions.contains { $0.outcome == .fenceRequested && $0.fenceID == work.fenceID && $0.rule == .nodeUnreachableTaint })

        await Self.stop(replicas)
        await admin.close()
    }

    @Test("the pause switch on the bus: two replicas hold every request at once, one PodguardPaused alert; switched off, one request")
    func pauseSwitch() async throws {
        let server = try await NATSServerProcess.start(jetStream: true)
        defer { server.stop() }
        let admin = try await Self.connect(server, name: "admin")
        let js = try admin.jetStream()
        let topology = BusTopology.standard
        try await TopologyInstaller.ensure(topology, on: js, logger: Logger(label: "test"))
        let control = try await js.keyValue(topology.controlBucket)
        var pause = Podguard_V1_PauseSwitch()
        pause.header.producedAt = .init(date: Date())
        pause.paused = true
        pause.reason = "array upgrade"
        pause.by = "alice"
        try await control.put(PodguardKeys.pause, message: pause)
        let replicas = try await Self.startTwoReplicas(server)

        let nodes = try await js.keyValue(topology.nodesBucket)
        let pods = try await js.keyValue(topology.podsBucket)
        try await nodes.put(PodguardKeys.node("w1"), message: Fixture.node("w1", taints: [("node.kubernetes.io/unreachable", .noExecute)]))
        try await pods.put(Fixture.podKey("pg-0"), message: Fixture.pod("pg-0", node: "w1"))
        let consumer = try await js.pullConsumer(stream: topology.workStream.name, durableName: topology.fenceRequestConsumer.durableName,
                                                 filterSubject: topology.fenceRequestConsumer.filterSubject)
        // Several re-evaluations while paused: nothing is requested.
        try await Task.sleep(for: .seconds(1))
        #expect(try await consumer.fetch(batch: 10, timeout: .milliseconds(300)).isEmpty)

        pause.header.producedAt = .init(date: Date())
        pause.paused = false
        try await control.put(PodguardKeys.pause, message: pause)
        var requests: [Podguard_V1_FenceWork] = []
        for _ in 0..<20 where requests.isEmpty {
            for message in try await consumer.fetch(batch: 10, timeout: .milliseconds(250)) {
                requests.append(try message.decode(as: Podguard_V1_FenceWork.self))
                try message.ack()
            }
        }
        #expect(requests.map(\.pod.name) == ["pg-0"])

        try await js.createOrUpdateConsumer(stream: topology.alertStream.name, ConsumerConfiguration(
            durableName: "test-alerts", filterSubject: "\(topology.subjects.root).alert.>"))
        let alerts = try await js.pullConsumer(stream: topology.alertStream.name, durableName: "test-alerts",
                                               filterSubject: "\(topology.subjects.root).alert.>")
        let reasons = try await alerts.fetch(batch: 50, timeout: .seconds(1)).map { try $0.decode(as: Podguard_V1_Alert.self).reason }
        // Both replicas announced the pause and the resume; the stream kept one of each.
        #expect(reasons.filter { $0 == "PodguardPaused" }.count == 1)
        #expect(reasons.filter { $0 == "PodguardResumed" }.count == 1)

        await Self.stop(replicas)
        await admin.close()
    }
}
