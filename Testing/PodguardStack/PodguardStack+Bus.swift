public import Bus
import Contracts
import Foundation
import Harness
import Logging

extension PodguardStack {
    /// Connection names of the tests' own clients: their refused attempts are the point, not a
    /// defect (`busPermissionDenials(ofServices:)` leaves them out).
    public static let testClientPrefix = "e2e-"

    /// Every line in which a NATS server refused a publish, subscribe or login, from every server's
    /// log; with `ofServices`, only the refusals of podguard's own services (not the tests' clients).
    /// In a run of the stack with its permissions, podguard's services are never refused anything.
    public func busPermissionDenials(ofServices: Bool = true) -> [String] {
        let logs = natsCluster?.members.map { $0.log() } ?? [nats.log()]
        return logs.flatMap { $0.split(separator: "\n").map(String.init) }
            .filter { $0.contains("Violation") }
            .filter { !ofServices || !$0.contains(":\(Self.testClientPrefix)") }
    }

    /// A client of the stack's bus as `principal` (its user, password and client certificate),
    /// named `e2e-<name>`: a test acting as that service would, or trying what it must not.
    public func connect(as principal: BusPrincipal, name: String) async throws -> BusConnection {
        let clientName = Self.testClientPrefix + name
        let options = busSecurity?.options(for: principal, servers: busURLs, name: clientName)
            ?? BusOptions(servers: busURLs, name: clientName, inboxPrefix: topology.inboxPrefix(for: principal))
        var logger = Logger(label: "podguard.e2e.\(name)")
        logger.logLevel = .critical
        let connection = try await BusConnection.connect(options, logger: logger)
        try await connection.waitUntilConnected(timeout: .seconds(10))
        return connection
    }
}
