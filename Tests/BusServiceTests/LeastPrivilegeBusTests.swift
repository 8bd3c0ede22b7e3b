import Bus
import BusService
import Contracts
import Foundation
import Harness
import Logging
import Synchronization
import Testing

/// A service as its own NATS user on a real nats-server whose accounts come from
/// `NATSAuthorization`: it cannot create the topology, so it waits for the administrator's; then it
/// works within its grants and is refused beyond them.
@Suite("Least-privilege bus users against a real nats-server")
struct LeastPrivilegeBusTests {
    static let topology = BusTopology.standard

    static func connect(_ server: NATSServerProcess, as principal: BusPrincipal) async throws -> BusConnection {
        var logger = Logger(label: "test.\(principal.role)")
        logger.logLevel = .critical
        let options = BusOptions(servers: [server.url], name: "test-\(principal.role)",
                                 credentials: .userPassword(user: topology.userName(for: principal), password: "pw-\(principal.role)"),
                                 inboxPrefix: topology.inboxPrefix(for: principal))
        let connection = try await BusConnection.connect(options, logger: logger)
        try await connection.waitUntilConnected(timeout: .seconds(5))
        return connection
    }

    @Test("decision waits for the administrator's topology, then starts records and publishes fence work, and may not write pods")
    func decisionWithinItsGrants() async throws {
        let users = BusPrincipal.all().map { ($0, NATSUserCredential.password("pw-\($0.role)")) }
        let accounts = NATSAuthorization(topology: Self.topology, users: users).accountsBlock()
        let server = try await NATSServerProcess.start(.init(accounts: accounts))
        defer { server.stop() }
        let decision = try await Self.connect(server, as: .decision)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let bus = PodguardBus(connection: decision, topology: Self.topology, installsTopology: false)
        let opened = Mutex(false)
        let opening = Task {
            let open = try await bus.open(logger: logger)
            opened.withLock { $0 = true }
            return open
        }
        try await Task.sleep(for: .milliseconds(1500))
        #expect(!opened.withLock { $0 }, "opened before the topology existed")
        // Not even the attempt: a decision user creating a stream is refused by the server.
        await #expect(throws: (any Error).self) {
            try await decision.jetStream(apiTimeout: .seconds(1)).createOrUpdateStream(StreamConfiguration(name: "ROGUE", subjects: ["rogue.>"]))
        }

        let admin = try await Self.connect(server, as: .administrator)
        try await TopologyInstaller.ensure(Self.topology, on: try admin.jetStream(), logger: logger)
        let open = try await opening.value

        var record = Podguard_V1_FenceRecord()
        record.fenceID = "f1"
        record.phase = .requested
        _ = try await open.fences.keyValue.create("uid-1", message: record)
        var work = Podguard_V1_FenceWork()
        work.fenceID = "f1"
        try await open.jetStream.publish(work, to: Self.topology.subjects.fenceRequest("n1"), messageID: "f1")
        await #expect(throws: (any Error).self) {
            _ = try await open.pods.put("ns.p", message: Podguard_V1_PodState())
        }
        #expect(server.log().contains("Publish Violation"), "the server logged no refusal")
        #expect(try await admin.jetStream().streamInfo(Self.topology.workStream.name).messages == 1)
        await decision.close()
        await admin.close()
    }
}
