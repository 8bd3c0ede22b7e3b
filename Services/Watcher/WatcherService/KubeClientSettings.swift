import Foundation
import Kube
import Logging
import ServiceKit

/// How a service reaches the Kubernetes API: in-cluster (service account) or a kubeconfig.
public enum KubeClientSettings {
    public static let schema = ConfigSchema([
        ConfigKey("kube.kubeconfig", .string, default: nil,
                  help: "kubeconfig file; unset = the pod's service account in a cluster, else $KUBECONFIG or ~/.kube/config"),
        ConfigKey("kube.context", .string, default: nil, help: "kubeconfig context; unset = its current context"),
        ConfigKey("kube.qps", .double, default: "50", help: "client-side rate limit of API requests per second"),
        ConfigKey("kube.burst", .int, default: "100", range: 1...100_000, help: "requests allowed above the rate limit in a burst"),
    ])

    /// A client from the configuration: the given kubeconfig, else in-cluster when running in a
    /// pod, else `$KUBECONFIG` / `~/.kube/config`.
    public static func client(_ configuration: Configuration, logger: Logger,
                              environment: [String: String] = ProcessInfo.processInfo.environment) throws -> KubeClient {
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
        let qps = configuration.double("kube.qps") ?? 50
        guard qps > 0 else {
            throw ConfigError(key: "kube.qps", message: "invalid value '\(qps)' for 'kube.qps': expected a number above 0")
        }
        settings.queriesPerSecond = qps
        settings.burst = configuration.int("kube.burst") ?? 100
        return try KubeClient(configuration: settings, logger: logger)
    }
}
