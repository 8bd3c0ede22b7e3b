import Foundation

/// Several `nats-server`s on loopback forming one cluster (JetStream clustered: streams and buckets
/// can have a replica on each), started together. A member can be killed and started again on its
/// port and store, as a crashed pod would be.
public final class NATSCluster: Sendable {
    public let members: [NATSServerProcess]

    /// Every member's client URL (clients are given them all and fail over between them).
    public var urls: [String] { members.map(\.url) }

    /// Starts `size` members with the same options (accounts, TLS) and waits until each accepts
    /// connections and JetStream has a meta leader.
    public static func start(size: Int = 3, options: NATSServerProcess.Options = .init(), name: String = "podguard") async throws -> NATSCluster {
        let routePorts = try (0..<size).map { _ in try FreePort.loopback() }
        let members = try (0..<size).map { index -> NATSServerProcess in
            var memberOptions = options
            memberOptions.port = nil
            memberOptions.cluster = .init(name: name, serverName: "\(name)-\(index + 1)", routePort: routePorts[index], routes: routePorts)
            return try NATSServerProcess.prepare(memberOptions)
        }
        let cluster = NATSCluster(members: members)
        do {
            // Each member waits for a quorum of routes before JetStream answers; start all first.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for member in members { group.addTask { try await member.launch() } }
                try await group.waitForAll()
            }
        } catch {
            cluster.stop()
            throw error
        }
        return cluster
    }

    private init(members: [NATSServerProcess]) {
        self.members = members
    }

    /// Every member's process id while it runs.
    public var processIdentifiers: [Int32] { members.compactMap(\.processIdentifier) }

    /// Stops every member and deletes their directories.
    public func stop() {
        for member in members { member.stop() }
    }

    /// Every member's log, each under its URL (for a failing test's diagnostics).
    public func logs() -> String {
        members.map { "== \($0.url)\n\($0.log())" }.joined(separator: "\n")
    }
}
