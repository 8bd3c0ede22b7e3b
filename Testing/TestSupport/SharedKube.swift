import Foundation
public import Harness
public import Kube
import Logging
import Synchronization

/// The real control plane shared by the tests of one process, and an admin client per suite family.
///
/// Every test target runs in one test process, so one client for all would carry every suite's
/// watches (informers, simulated kubelets) on one connection pool: past the server's concurrent
/// streams, the other requests wait behind them. Each family of suites gets a client of its own,
/// as each test bed had before. A client is never shut down: it lives as long as the process
/// (async-http-client traps in debug builds when a client is deinitialised open), and the shared
/// control plane outlives every test.
public enum SharedKube {
    private static let clients = Mutex<[String: KubeClient]>([:])

    public static func plane() async throws -> KubeControlPlane {
        try await KubeControlPlane.shared()
    }

    /// The admin configuration of `plane` (optionally through another server address, e.g. a fault
    /// proxy), with a rate limit high enough for tests.
    public static func configuration(_ plane: KubeControlPlane, server: String? = nil) throws -> KubeClientConfiguration {
        var configuration = try KubeClientConfiguration.fromKubeconfig(path: plane.kubeconfigPath)
        if let server { configuration.server = server }
        configuration.queriesPerSecond = 200
        configuration.burst = 400
        return configuration
    }

    /// The admin client of the suites named `family` (a test target's beds share one).
    public static func client(for family: String) async throws -> KubeClient {
        let plane = try await plane()
        return try clients.withLock { clients in
            if let client = clients[family] { return client }
            var logger = Logger(label: "test.kube.\(family)")
            logger.logLevel = .warning
            let client = try KubeClient(configuration: configuration(plane), logger: logger)
            clients[family] = client
            return client
        }
    }
}

extension KubeClient {
    /// Creates a namespace named `<prefix>-<random>` and, unless told otherwise, waits for its
    /// `default` ServiceAccount (the ServiceAccount admission plugin rejects pods until then).
    public func createTestNamespace(_ prefix: String, waitForServiceAccount: Bool = true) async throws -> String {
        let name = "\(prefix)-\(UUID().uuidString.prefix(6).lowercased())"
        _ = try await create(Namespace(name: name))
        if waitForServiceAccount { try await waitForDefaultServiceAccount(namespace: name) }
        return name
    }
}
