import Foundation
public import Kube
public import ServiceKit

/// A leader-elected service's Lease and timings (keys `<prefix>.leaseName`, `.leaseNamespace`,
/// `.leaseDuration`, `.renewDeadline`, `.retryPeriod`, `.identity`): one schema and one set of
/// checks for every service that elects a leader.
public struct LeaderElectionSettings: Sendable, Hashable {
    public var leaseName: String
    /// nil: the pod's namespace (`POD_NAMESPACE`), else the client's namespace.
    public var leaseNamespace: String?
    public var leaseDuration: Duration
    public var renewDeadline: Duration
    public var retryPeriod: Duration
    /// This replica's identity in the Lease (the pod name).
    public var identity: String

    public init(leaseName: String, leaseNamespace: String? = nil, leaseDuration: Duration = .seconds(15),
                renewDeadline: Duration = .seconds(10), retryPeriod: Duration = .seconds(2), identity: String) {
        self.leaseName = leaseName
        self.leaseNamespace = leaseNamespace
        self.leaseDuration = leaseDuration
        self.renewDeadline = renewDeadline
        self.retryPeriod = retryPeriod
        self.identity = identity
    }

    public static func schema(prefix: String, defaultLeaseName: String) -> ConfigSchema {
        ConfigSchema([
            ConfigKey("\(prefix).leaseName", .string, default: defaultLeaseName, help: "name of the leader-election Lease"),
            ConfigKey("\(prefix).leaseNamespace", .string, default: nil,
                      help: "namespace of the Lease; defaults to $POD_NAMESPACE, then the client's namespace, then 'default'"),
            ConfigKey("\(prefix).leaseDuration", .duration, default: "15s", help: "a standby takes over a lease not renewed for this long"),
            ConfigKey("\(prefix).renewDeadline", .duration, default: "10s",
                      help: "the leader stops acting when it could not renew for this long (< leaseDuration)"),
            ConfigKey("\(prefix).retryPeriod", .duration, default: "2s", help: "interval of lease renewals and acquisition attempts"),
            ConfigKey("\(prefix).identity", .string, default: nil, help: "this replica's identity; defaults to the host (pod) name"),
        ])
    }

    public init(_ configuration: Configuration, prefix: String, defaultLeaseName: String, defaultIdentity: String) throws(ConfigError) {
        let leaseDuration = configuration.duration("\(prefix).leaseDuration") ?? .seconds(15)
        let renewDeadline = configuration.duration("\(prefix).renewDeadline") ?? .seconds(10)
        let retryPeriod = configuration.duration("\(prefix).retryPeriod") ?? .seconds(2)
        guard renewDeadline < leaseDuration else {
            throw ConfigError(key: "\(prefix).renewDeadline",
                              message: "'\(prefix).renewDeadline' (\(renewDeadline)) must be shorter than '\(prefix).leaseDuration' (\(leaseDuration)): the leader must stop before a standby may start")
        }
        guard retryPeriod > .zero, renewDeadline > retryPeriod else {
            throw ConfigError(key: "\(prefix).retryPeriod",
                              message: "'\(prefix).retryPeriod' (\(retryPeriod)) must be positive and shorter than '\(prefix).renewDeadline' (\(renewDeadline))")
        }
        func nonEmpty(_ key: String) -> String? { configuration.string(key).flatMap { $0.isEmpty ? nil : $0 } }
        self.init(leaseName: nonEmpty("\(prefix).leaseName") ?? defaultLeaseName, leaseNamespace: nonEmpty("\(prefix).leaseNamespace"),
                  leaseDuration: leaseDuration, renewDeadline: renewDeadline, retryPeriod: retryPeriod,
                  identity: nonEmpty("\(prefix).identity") ?? defaultIdentity)
    }

    /// The Lease namespace when none is configured: the pod's own namespace, else the client's.
    public static func defaultNamespace(client: KubeClient, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let namespace = environment["POD_NAMESPACE"], !namespace.isEmpty { return namespace }
        return client.defaultNamespace
    }

    /// The elector's configuration, the Lease in `leaseNamespace` or else `defaultNamespace`.
    public func election(defaultNamespace: String) -> LeaderElectionConfiguration {
        var configuration = LeaderElectionConfiguration(namespace: leaseNamespace ?? defaultNamespace, leaseName: leaseName, identity: identity)
        configuration.leaseDuration = leaseDuration
        configuration.renewDeadline = renewDeadline
        configuration.retryPeriod = retryPeriod
        return configuration
    }
}
