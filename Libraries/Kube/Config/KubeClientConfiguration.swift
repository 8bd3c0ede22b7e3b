import Foundation

/// Everything needed to talk to one apiserver: where, how to trust it, who we are, and how
/// politely to call it. Build one from a kubeconfig (``fromKubeconfig(path:context:)``), from the
/// pod's service account (``inCluster(environment:serviceAccountDirectory:)``) or by hand.
public struct KubeClientConfiguration: Sendable {
    /// `https://host:port` (a path prefix is allowed, e.g. behind a proxy).
    public var server: String
    public var tls: TLSSettings
    public var credentials: Credentials
    /// The namespace of the context (kubeconfig) or of the service account (in-cluster).
    public var namespace: String?
    /// Client-side rate limit (client-go's defaults are 5 QPS, burst 10).
    public var queriesPerSecond: Double = 5
    public var burst: Int = 10
    public var retry = RetryPolicy()
    /// Deadline of one call when the caller gives none (watches use their own server-side timeout).
    public var defaultTimeout: Duration = .seconds(30)
    /// `User-Agent` header.
    public var userAgent: String = "podguard-kube/1.0"

    public init(server: String, tls: TLSSettings = TLSSettings(), credentials: Credentials = .none, namespace: String? = nil) {
        self.server = server.hasSuffix("/") ? String(server.dropLast()) : server
        self.tls = tls
        self.credentials = credentials
        self.namespace = namespace
    }
}
