public import KubeService
public import ServiceKit

/// The controller's configuration (keys `statefulCluster.*`, docs/configuration.md).
public struct StatefulClusterSettings: Sendable {
    /// Namespaces watched; empty: every namespace (a ClusterRole).
    public var namespaces: [String]
    /// Liveness timeout of clusters that set none (`spec.livenessTimeoutSeconds`); nil: off.
    public var notReadyTimeout: Duration?
    /// Label key podguard protects pods by; empty: no protection label is added.
    public var protectionLabelKey: String
    /// Its value; empty: taken from the provisioner of the pod's claims' StorageClass.
    public var protectionLabelValue: String
    /// How often every cluster is reconciled although nothing changed.
    public var resyncEvery: Duration
    public var leaderElection: LeaderElectionSettings

    public init(namespaces: [String] = [], notReadyTimeout: Duration? = .seconds(300), protectionLabelKey: String = "podmon.dellemc.com/driver",
                protectionLabelValue: String = "", resyncEvery: Duration = .seconds(300), leaderElection: LeaderElectionSettings) {
        self.namespaces = namespaces
        self.notReadyTimeout = notReadyTimeout
        self.protectionLabelKey = protectionLabelKey
        self.protectionLabelValue = protectionLabelValue
        self.resyncEvery = resyncEvery
        self.leaderElection = leaderElection
    }

    public static let defaultLeaseName = "podguard-statefulcluster"

    public static let schema = ConfigSchema([
        ConfigKey("statefulCluster.namespaces", .stringList, default: "", help: "namespaces watched; empty = every namespace"),
        ConfigKey("statefulCluster.notReadyTimeout", .duration, default: "5m",
                  help: "a pod not Ready this long on a healthy node is replaced (clusters without spec.livenessTimeoutSeconds); 0s = never"),
        ConfigKey("statefulCluster.protectionLabelKey", .string, default: "podmon.dellemc.com/driver",
                  help: "label podguard protects pods by, added to every pod; empty = none"),
        ConfigKey("statefulCluster.protectionLabelValue", .string, default: "",
                  help: "its value; empty = from the provisioner of the claims' StorageClass (e.g. csi-powerstore)"),
        ConfigKey("statefulCluster.resyncEvery", .duration, default: "5m", help: "every cluster is reconciled at least this often"),
    ]).merging(LeaderElectionSettings.schema(prefix: "statefulCluster", defaultLeaseName: defaultLeaseName))

    public init(_ configuration: Configuration, defaultIdentity: String) throws(ConfigError) {
        let timeout = configuration.duration("statefulCluster.notReadyTimeout") ?? .seconds(300)
        let resync = configuration.duration("statefulCluster.resyncEvery") ?? .seconds(300)
        guard resync > .zero else {
            throw ConfigError(key: "statefulCluster.resyncEvery", message: "'statefulCluster.resyncEvery' must be positive")
        }
        self.init(namespaces: (configuration.stringList("statefulCluster.namespaces") ?? []).filter { !$0.isEmpty },
                  notReadyTimeout: timeout > .zero ? timeout : nil,
                  protectionLabelKey: configuration.string("statefulCluster.protectionLabelKey") ?? "podmon.dellemc.com/driver",
                  protectionLabelValue: configuration.string("statefulCluster.protectionLabelValue") ?? "",
                  resyncEvery: resync,
                  leaderElection: try LeaderElectionSettings(configuration, prefix: "statefulCluster", defaultLeaseName: Self.defaultLeaseName,
                                                             defaultIdentity: defaultIdentity))
    }
}
