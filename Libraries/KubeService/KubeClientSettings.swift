import Foundation
import Kube
import Logging
import ServiceKit

/// How a service reaches the Kubernetes API (keys `kube.*`): one schema and one resolution rule for
/// every service that talks to the API, so their keys, defaults and fallbacks cannot drift apart.
public enum KubeClientSettings {
    public static let defaultQueriesPerSecond = 50.0
    public static let defaultBurst = 100
    public static let defaultRequestTimeout = Duration.seconds(30)

    public static let schema = ConfigSchema([
        ConfigKey("kube.kubeconfig", .string, default: nil,
                  help: "kubeconfig file; unset = the pod's service account in a cluster, else $KUBECONFIG or ~/.kube/config"),
        ConfigKey("kube.context", .string, default: nil, help: "kubeconfig context; unset = its current context"),
        ConfigKey("kube.qps", .double, default: "50", help: "client-side rate limit of API requests per second"),
        ConfigKey("kube.burst", .int, default: "100", range: 1...100_000, help: "requests allowed above the rate limit in a burst"),
        ConfigKey("kube.requestTimeout", .duration, default: "30s", help: "deadline of one Kubernetes call (podmon MediumTimeout)"),
    ])

    /// The client configuration: the given kubeconfig, else in-cluster when running in a pod
    /// (`KUBERNETES_SERVICE_HOST` set), else `$KUBECONFIG` (first entry) / `~/.kube/config`; then
    /// the rate limit and the request deadline.
    public static func clientConfiguration(
        _ configuration: Configuration, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> KubeClientConfiguration {
        let path = configuration.string("kube.kubeconfig").flatMap { $0.isEmpty ? nil : $0 }
        let context = configuration.string("kube.context").flatMap { $0.isEmpty ? nil : $0 }
        var settings: KubeClientConfiguration
        if let path {
            settings = try .fromKubeconfig(path: path, context: context)
        } else if environment["KUBERNETES_SERVICE_HOST"] != nil {
            settings = try .inCluster()
        } else {
            let resolved = environment["KUBECONFIG"]?.split(separator: ":").first.map(String.init)
                ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".kube/config").path
            settings = try .fromKubeconfig(path: resolved, context: context)
        }
        let qps = configuration.double("kube.qps") ?? defaultQueriesPerSecond
        guard qps > 0 else {
            throw ConfigError(key: "kube.qps", message: "invalid value '\(qps)' for 'kube.qps': expected a number above 0")
        }
        settings.queriesPerSecond = qps
        settings.burst = configuration.int("kube.burst") ?? defaultBurst
        settings.defaultTimeout = configuration.duration("kube.requestTimeout") ?? defaultRequestTimeout
        return settings
    }

    /// A client from the configuration (see `clientConfiguration`).
    public static func client(_ configuration: Configuration, logger: Logger,
                              environment: [String: String] = ProcessInfo.processInfo.environment) throws -> KubeClient {
        try KubeClient(configuration: clientConfiguration(configuration, environment: environment), logger: logger)
    }
}
