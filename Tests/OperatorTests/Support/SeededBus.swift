import Bus
import BusService
import Contracts
import Foundation
import Harness
import Logging
import OperatorClient
import SwiftProtobuf

/// A real nats-server with podguard's users and permissions (`NATSAuthorization`, a password per
/// principal), the topology installed by the administrator, and a connection as the administrator
/// to seed records as the services would write them.
struct SeededBus {
    let server: NATSServerProcess
    let admin: BusConnection
    let open: OpenBus
    static let topology = BusTopology.standard

    static var logger: Logger {
        var logger = Logger(label: "test.operator")
        logger.logLevel = .critical
        return logger
    }

    static func password(_ principal: BusPrincipal) -> String { "pw-\(principal.role)" }

    /// The environment an operator's shell would have: the observer's and the administrator's passwords.
    static let environment = [
        NATSAuthorization.passwordVariable(for: .observer): password(.observer),
        NATSAuthorization.passwordVariable(for: .administrator): password(.administrator),
    ]

    static func start() async throws -> SeededBus {
        let users = BusPrincipal.all().map { ($0, NATSUserCredential.password(password($0))) }
        let accounts = NATSAuthorization(topology: topology, users: users).accountsBlock()
        let server = try await NATSServerProcess.start(.init(accounts: accounts))
        do {
            let options = BusOptions(servers: [server.url], name: "test-admin",
                                     credentials: .userPassword(user: topology.userName(for: .administrator), password: password(.administrator)),
                                     inboxPrefix: topology.inboxPrefix(for: .administrator))
            let admin = try await BusConnection.connect(options, logger: logger)
            try await admin.waitUntilConnected(timeout: .seconds(5))
            let open = try await PodguardBus(connection: admin, topology: topology).open(logger: logger)
            return SeededBus(server: server, admin: admin, open: open)
        } catch {
            server.stop()
            throw error
        }
    }

    func stop() async {
        await admin.close()
        server.stop()
    }

    func settings(environment: [String: String] = SeededBus.environment, flags: [String: String] = [:]) throws -> OperatorSettings {
        try OperatorSettings(flags: ["bus.servers": server.url].merging(flags) { $1 }, configFile: nil, environment: environment)
    }

    func publishDecision(_ record: Podguard_V1_DecisionRecord) async throws {
        _ = try await open.jetStream.publish(try record.serializedBytes(),
                                         to: Self.topology.subjects.decision(namespace: record.pod.namespace, pod: record.pod.name))
    }

    func publishAlert(_ alert: Podguard_V1_Alert) async throws {
        _ = try await open.jetStream.publish(try alert.serializedBytes(),
                                         to: Self.topology.subjects.alert(severity: alert.severity, reason: alert.reason),
                                         messageID: alert.alertID)
    }
}
