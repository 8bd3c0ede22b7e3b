public import KubeService
import ServiceKit

/// watcher's configuration: which pods are protected, how driver node pods are recognised, which
/// node labels are copied, and the leader election.
public struct WatcherSettings: Sendable {
    /// Label key of protected pods (podmon `--labelkey`).
    public var labelKey: String
    /// Required label value; empty = any value (podmon `--labelvalue` names one driver, e.g. `csi-vxflexos`).
    public var labelValue: String
    /// How CSI driver node pods are found and which driver each serves.
    public var driverPods: DriverPodSelection
    /// Node labels copied into NodeState.
    public var nodeLabels: [String]
    /// CSI drivers served by the generic adapter; empty = every CSI driver that is not a Dell driver.
    public var genericDrivers: [String]
    /// The Lease; its identity is also `Header.producer_id` (the pod name).
    public var leaderElection: LeaderElectionSettings
    public var identity: String { leaderElection.identity }
    /// How often the leader compares the buckets with the caches and repairs any difference.
    public var reconcileEvery: Duration
    /// Server-side timeout of each watch request (the informer resumes after it).
    public var watchTimeout: Duration
    /// Objects per page of the initial lists.
    public var pageSize: Int

    public init(labelKey: String = "podmon.dellemc.com/driver", labelValue: String = "", driverPods: DriverPodSelection = .dellDefaults,
                nodeLabels: [String] = WatcherSettings.defaultNodeLabels, genericDrivers: [String] = [],
                leaderElection: LeaderElectionSettings,
                reconcileEvery: Duration = .seconds(300), watchTimeout: Duration = .seconds(300), pageSize: Int = 500) {
        self.labelKey = labelKey
        self.labelValue = labelValue
        self.driverPods = driverPods
        self.nodeLabels = nodeLabels
        self.genericDrivers = genericDrivers
        self.leaderElection = leaderElection
        self.reconcileEvery = reconcileEvery
        self.watchTimeout = watchTimeout
        self.pageSize = pageSize
    }

    /// The topology labels, and the label a node picks its remediation ladder with (decision
    /// names the ladder in its records).
    public static let defaultNodeLabels = ["kubernetes.io/hostname", "topology.kubernetes.io/zone", "topology.kubernetes.io/region",
                                           "podguard.io/remediation-ladder"]

    /// The label selector of protected pods: `key` (any value) or `key=value`.
    public var protectedPodSelector: String {
        labelValue.isEmpty ? labelKey : "\(labelKey)=\(labelValue)"
    }

    public static let schema = ConfigSchema([
        ConfigKey("watcher.labelKey", .string, default: "podmon.dellemc.com/driver",
                  help: "label key of protected pods (podmon --labelkey)"),
        ConfigKey("watcher.labelValue", .string, default: "",
                  help: "label value of protected pods; empty = any value (podmon --labelvalue, e.g. csi-vxflexos)"),
        ConfigKey("watcher.driverPods.labelSelector", .string, default: DriverPodSelection.dellDefaults.labelSelector,
                  help: "label selector of CSI driver node pods (podmon --driverPodLabelKey/--driverPodLabelValue)"),
        ConfigKey("watcher.driverPods.namespaces", .stringList, default: DriverPodSelection.dellDefaults.renderedNamespaces,
                  help: "<namespace>=<CSI driver name> for each namespace whose driver node pods are watched"),
        ConfigKey("watcher.nodeLabels", .stringList, default: defaultNodeLabels.joined(separator: ","),
                  help: "node labels copied into NodeState"),
        FamilyConfiguration.genericDriversKey,
        ConfigKey("watcher.reconcileEvery", .duration, default: "5m",
                  help: "how often the leader compares the buckets with its caches and repairs differences"),
        ConfigKey("watcher.watchTimeout", .duration, default: "5m", help: "server-side timeout of each watch request"),
        ConfigKey("watcher.pageSize", .int, default: "500", range: 1...10_000, help: "objects per page of the initial lists"),
    ]).merging(LeaderElectionSettings.schema(prefix: "watcher", defaultLeaseName: "podguard-watcher"))

    public init(_ configuration: Configuration, defaultIdentity: String) throws(ConfigError) {
        let labelKey = configuration.string("watcher.labelKey") ?? "podmon.dellemc.com/driver"
        guard !labelKey.isEmpty, !labelKey.contains(where: { $0 == "," || $0 == "=" || $0 == "!" || $0.isWhitespace }) else {
            throw ConfigError(key: "watcher.labelKey",
                              message: "invalid value '\(labelKey)' for 'watcher.labelKey': expected a label key such as podmon.dellemc.com/driver")
        }
        let driverPods = try DriverPodSelection(
            labelSelector: configuration.string("watcher.driverPods.labelSelector") ?? DriverPodSelection.dellDefaults.labelSelector,
            namespaceEntries: configuration.stringList("watcher.driverPods.namespaces") ?? [])
        self.init(labelKey: labelKey, labelValue: configuration.string("watcher.labelValue") ?? "", driverPods: driverPods,
                  nodeLabels: configuration.stringList("watcher.nodeLabels") ?? Self.defaultNodeLabels,
                  genericDrivers: FamilyConfiguration.genericDrivers(configuration),
                  leaderElection: try LeaderElectionSettings(configuration, prefix: "watcher", defaultLeaseName: "podguard-watcher",
                                                             defaultIdentity: defaultIdentity),
                  reconcileEvery: configuration.duration("watcher.reconcileEvery") ?? .seconds(300),
                  watchTimeout: configuration.duration("watcher.watchTimeout") ?? .seconds(300),
                  pageSize: configuration.int("watcher.pageSize") ?? 500)
    }
}
