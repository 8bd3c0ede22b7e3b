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
        NATSAuthorization(topology: topology, users: principals.map { ($0, .password(password(for: $0))) }).accountsBlock()
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
                   tls: BusOptions.TLS(caFile: certificates.authority.path, certificateFile: certificates.clientCertificate.path,
                                       keyFile: certificates.clientKey.path),
                   inboxPrefix: topology.inboxPrefix(for: principal))
    }
}
