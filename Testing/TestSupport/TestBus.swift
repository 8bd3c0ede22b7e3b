public import Bus
public import Harness
public import Logging
import BusService
import Contracts

/// A nats-server of the test's own with JetStream, an admin connection and the standard topology
/// (streams and buckets) installed.
public struct TestBus: Sendable {
    public let server: NATSServerProcess
    public let admin: BusConnection
    public let jetStream: JetStream

    public static func start(logger: Logger) async throws -> TestBus {
        let server = try await NATSServerProcess.start(jetStream: true)
        do {
            let admin = try await connect(server, "test-admin", logger: logger)
            let jetStream = try admin.jetStream()
            try await TopologyInstaller.ensure(.standard, on: jetStream, logger: logger)
            return TestBus(server: server, admin: admin, jetStream: jetStream)
        } catch {
            server.stop()
            throw error
        }
    }

    /// A connection to `server` named `name`, connected.
    public static func connect(_ server: NATSServerProcess, _ name: String, logger: Logger) async throws -> BusConnection {
        let connection = try await BusConnection.connect(BusOptions(servers: [server.url], name: name), logger: logger)
        try await connection.waitUntilConnected(timeout: .seconds(5))
        return connection
    }
}
