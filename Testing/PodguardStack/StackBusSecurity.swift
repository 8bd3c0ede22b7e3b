public import ArrayFamily
public import Bus
public import Contracts
import Foundation
public import Harness

/// The stack's bus as production runs it: one NATS user per principal with the permissions the
/// contract gives it (`BusTopology.permissions(for:)`), random passwords, and TLS with a client
/// certificate. Services never create the topology (`bus.installTopology=false`): the
/// administrator installs it first.
public struct StackBusSecurity: Sendable {
    public let topology: BusTopology
    public let certificates: TestCertificates
    public let principals: [BusPrincipal]
    private let passwords: [BusPrincipal: String]
    /// The password of ``wiretapUser``.
    public let wiretapPassword = UUID().uuidString.lowercased()

    /// A user outside podguard's contract that exists only in the test stack: it may subscribe to
    /// every subject of the account and publish nothing, so a test can read every message that
    /// crosses the bus (the secret-leak scenario).
    public static let wiretapUser = "podguard-test-wiretap"

    /// Makes certificates in `directory` and a password for every principal of these families.
    public static func make(topology: BusTopology, families: [ArrayFamilyID], directory: URL) async throws -> StackBusSecurity {
        let certificates = try await TestCertificates.make(in: directory.appendingPathComponent("tls"))
        let contractFamilies = families.compactMap { PodguardSubjects.family(fromToken: $0.rawValue) }
        let principals = BusPrincipal.all(families: contractFamilies)
        var passwords: [BusPrincipal: String] = [:]
        for principal in principals { passwords[principal] = UUID().uuidString.lowercased() }
        return StackBusSecurity(topology: topology, certificates: certificates, principals: principals, passwords: passwords)
    }

    /// The nats-server `accounts` block: every principal's user and permissions.
    public var accountsBlock: String {
        let block = NATSAuthorization(topology: topology, users: principals.map { ($0, .password(password(for: $0))) }).accountsBlock()
        let wiretap = """
                  {
                    user: "\(Self.wiretapUser)"
                    password: "\(wiretapPassword)"
                    permissions: { publish: { deny: [">"] }, subscribe: { allow: [">"] } }
                  }

            """
        guard let users = block.range(of: "    users: [\n") else { preconditionFailure("no users list in the accounts block") }
        return block.replacingCharacters(in: users.upperBound..<users.upperBound, with: wiretap)
    }

    /// Connection options of the ``wiretapUser``.
    public func wiretapOptions(servers: [String], name: String) -> BusOptions {
        BusOptions(servers: servers, name: name, credentials: .userPassword(user: Self.wiretapUser, password: wiretapPassword), tls: clientTLS)
    }

    /// TLS with the stack's client certificate, as every client of this bus connects.
    private var clientTLS: BusOptions.TLS {
        BusOptions.TLS(caFile: certificates.authority.path, certificateFile: certificates.clientCertificate.path, keyFile: certificates.clientKey.path)
    }

    public func password(for principal: BusPrincipal) -> String {
        guard let password = passwords[principal] else { preconditionFailure("no bus user for \(principal) in this stack") }
        return password
    }

    /// A service's bus flags: its user, TLS files, and no topology creation. The password goes in
    /// the environment (`environment(for:)`), as the chart passes it from a Secret.
    public func flags(for principal: BusPrincipal) -> [String] {
        ["--bus.user", topology.userName(for: principal), "--bus.installTopology", "false",
         "--bus.tls.caFile", certificates.authority.path,
         "--bus.tls.certFile", certificates.clientCertificate.path, "--bus.tls.keyFile", certificates.clientKey.path]
    }

    public func environment(for principal: BusPrincipal) -> [String: String] {
        ["PODGUARD_BUS_PASSWORD": password(for: principal)]
    }

    /// Connection options of a client of this stack's bus as `principal` (tests, the auditor).
    public func options(for principal: BusPrincipal, servers: [String], name: String) -> BusOptions {
        BusOptions(servers: servers, name: name,
                   credentials: .userPassword(user: topology.userName(for: principal), password: password(for: principal)),
                   tls: clientTLS, inboxPrefix: topology.inboxPrefix(for: principal))
    }
}
