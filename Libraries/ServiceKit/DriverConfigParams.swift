/// podmon's dynamic parameters: the keys of `driver-config-params.yaml` in the CSI driver's
/// ConfigMap (`<release>-config-params`), which podmon re-reads while it runs. A key that is absent
/// leaves the setting as it was; every value present has been validated.
///
/// | key | podguard setting |
/// |---|---|
/// | `PODMON_CONTROLLER_LOG_LEVEL` / `PODMON_NODE_LOG_LEVEL` | `log.level` of controller-side / node-side services |
/// | `PODMON_CONTROLLER_LOG_FORMAT` / `PODMON_NODE_LOG_FORMAT` | read and validated; the format is fixed at start (`log.format`) |
/// | `CSI_LOG_LEVEL` / `CSI_LOG_FORMAT` | the 2026 drivers' replacement of both, lower priority than the `PODMON_*` keys |
/// | `PODMON_ARRAY_CONNECTIVITY_POLL_RATE` | `prober.pollInterval` (whole seconds) |
/// | `PODMON_ARRAY_CONNECTIVITY_CONNECTION_LOSS_THRESHOLD` | `prober.lossThreshold` |
/// | `PODMON_SKIP_ARRAY_CONNECTION_VALIDATION` | `policy.skipArrayConnectionValidation` |
public struct DriverConfigParams: Sendable, Hashable {
    /// Which half of podmon a service corresponds to: decides which log level key applies.
    public enum Role: Sendable, Hashable {
        /// controller-podmon: decision, array-prober, fencing, watcher, controller adapters.
        case controller
        /// node-podmon: node-cleanup, node adapters.
        case node
    }

    public var controllerLogLevel: Logger.Level?
    public var nodeLogLevel: Logger.Level?
    public var controllerLogFormat: LogFormat?
    public var nodeLogFormat: LogFormat?
    public var pollInterval: Duration?
    public var lossThreshold: Int?
    public var skipArrayConnectionValidation: Bool?
    /// What was accepted with a warning (an invalid log format, a bad `CSI_LOG_*` value, an unknown
    /// key), for the log; podmon goes on in these cases too.
    public var warnings: [String]

    public init(controllerLogLevel: Logger.Level? = nil, nodeLogLevel: Logger.Level? = nil,
                controllerLogFormat: LogFormat? = nil, nodeLogFormat: LogFormat? = nil,
                pollInterval: Duration? = nil, lossThreshold: Int? = nil,
                skipArrayConnectionValidation: Bool? = nil, warnings: [String] = []) {
        self.controllerLogLevel = controllerLogLevel
        self.nodeLogLevel = nodeLogLevel
        self.controllerLogFormat = controllerLogFormat
        self.nodeLogFormat = nodeLogFormat
        self.pollInterval = pollInterval
        self.lossThreshold = lossThreshold
        self.skipArrayConnectionValidation = skipArrayConnectionValidation
        self.warnings = warnings
    }

    /// The log level for a service of `role`, if the file sets one.
    public func logLevel(for role: Role) -> Logger.Level? {
        switch role {
        case .controller: controllerLogLevel
        case .node: nodeLogLevel
        }
    }

    /// The key names, as podmon spells them.
    public enum Key {
        public static let controllerLogLevel = "PODMON_CONTROLLER_LOG_LEVEL"
        public static let controllerLogFormat = "PODMON_CONTROLLER_LOG_FORMAT"
        public static let nodeLogLevel = "PODMON_NODE_LOG_LEVEL"
        public static let nodeLogFormat = "PODMON_NODE_LOG_FORMAT"
        public static let csiLogLevel = "CSI_LOG_LEVEL"
        public static let csiLogFormat = "CSI_LOG_FORMAT"
        public static let pollRate = "PODMON_ARRAY_CONNECTIVITY_POLL_RATE"
        public static let lossThreshold = "PODMON_ARRAY_CONNECTIVITY_CONNECTION_LOSS_THRESHOLD"
        public static let skipValidation = "PODMON_SKIP_ARRAY_CONNECTION_VALIDATION"

        /// Every key podguard reads, in podmon's order of application.
        public static let all = [
            controllerLogLevel, controllerLogFormat, nodeLogLevel, nodeLogFormat, csiLogLevel, csiLogFormat,
            pollRate, lossThreshold, skipValidation,
        ]
    }
}
