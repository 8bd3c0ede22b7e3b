import Foundation
import Logging

/// A client of one apiserver: typed CRUD, list/watch, patch/update with conflict retry, status
/// subresources. Every request goes through the client-side rate limit, authentication, the
/// retry policy and the metrics.
///
/// ```swift
/// let client = try KubeClient.fromKubeconfig()          // or .inCluster()
/// let pod = try await client.get(Pod.self, name: "web-0", namespace: "demo")
/// try await client.shutdown()
/// ```
public final class KubeClient: Sendable {
    public let configuration: KubeClientConfiguration
    let transport: any KubeTransport
    let rateLimiter: RateLimiter
    let tokens: BearerTokenSource
    let logger: Logger
    let metrics: KubeClientMetrics

    /// A client over async-http-client.
    public convenience init(configuration: KubeClientConfiguration, logger: Logger = Logger(label: "kube"), metrics: KubeClientMetrics = KubeClientMetrics()) throws {
        self.init(configuration: configuration, transport: try HTTPClientTransport(configuration: configuration), logger: logger, metrics: metrics)
    }

    /// A client over any transport (tests of misbehaving servers).
    public init(configuration: KubeClientConfiguration, transport: any KubeTransport, logger: Logger = Logger(label: "kube"), metrics: KubeClientMetrics = KubeClientMetrics()) {
        self.configuration = configuration
        self.transport = transport
        self.rateLimiter = RateLimiter(queriesPerSecond: configuration.queriesPerSecond, burst: configuration.burst)
        self.tokens = BearerTokenSource(credentials: configuration.credentials)
        self.logger = logger
        self.metrics = metrics
    }

    /// From a kubeconfig: `path`, else `$KUBECONFIG` (first entry), else `~/.kube/config`.
    public static func fromKubeconfig(path: String? = nil, context: String? = nil, logger: Logger = Logger(label: "kube")) throws -> KubeClient {
        let resolved = path
            ?? ProcessInfo.processInfo.environment["KUBECONFIG"]?.split(separator: ":").first.map(String.init)
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".kube/config").path
        return try KubeClient(configuration: .fromKubeconfig(path: resolved, context: context), logger: logger)
    }

    /// From the pod's service account.
    public static func inCluster(logger: Logger = Logger(label: "kube")) throws -> KubeClient {
        try KubeClient(configuration: .inCluster(), logger: logger)
    }

    /// Closes connections. Call once, after the last request.
    public func shutdown() async throws {
        try await transport.shutdown()
    }

    /// The namespace of the configuration, else `default`.
    public var defaultNamespace: String { configuration.namespace ?? "default" }
}
