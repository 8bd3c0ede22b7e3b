import ServiceKit
import Testing

@Suite("podmon driver-config-params.yaml: parsing and validation")
struct DriverConfigParamsTests {
    /// The file podmon's chart writes (YAML), with every key.
    static let chartFile = """
        PODMON_CONTROLLER_LOG_LEVEL: "debug"
        PODMON_CONTROLLER_LOG_FORMAT: "json"
        PODMON_NODE_LOG_LEVEL: "info"
        PODMON_NODE_LOG_FORMAT: "text"
        PODMON_ARRAY_CONNECTIVITY_POLL_RATE: 60
        PODMON_ARRAY_CONNECTIVITY_CONNECTION_LOSS_THRESHOLD: "3"
        PODMON_SKIP_ARRAY_CONNECTION_VALIDATION: false
        CSI_LOG_LEVEL: info
        """

    @Test("every key of the chart's YAML file")
    func chart() throws {
        let params = try DriverConfigParams.parse(Self.chartFile)
        #expect(params == DriverConfigParams(
            controllerLogLevel: .debug, nodeLogLevel: .info, controllerLogFormat: .json, nodeLogFormat: .text,
            pollInterval: .seconds(60), lossThreshold: 3, skipArrayConnectionValidation: false))
        #expect(params.logLevel(for: .controller) == .debug)
        #expect(params.logLevel(for: .node) == .info)
    }

    @Test("JSON, as podmon's driver-config-params2.yaml test file")
    func json() throws {
        let params = try DriverConfigParams.parse("""
            {"PODMON_CONTROLLER_LOG_LEVEL": "WARN", "PODMON_ARRAY_CONNECTIVITY_POLL_RATE": "15",
             "PODMON_SKIP_ARRAY_CONNECTION_VALIDATION": "True"}
            """)
        #expect(params.controllerLogLevel == .warning)
        #expect(params.pollInterval == .seconds(15))
        #expect(params.skipArrayConnectionValidation == true)
        #expect(params.lossThreshold == nil && params.nodeLogLevel == nil)
    }

    @Test("an empty file sets nothing")
    func empty() throws {
        #expect(try DriverConfigParams.parse("") == DriverConfigParams())
        #expect(try DriverConfigParams.parse("# only a comment\n") == DriverConfigParams())
    }

    @Test("logrus levels, case-insensitive, as swift-log levels", arguments: [
        ("panic", Logger.Level.critical), ("FATAL", .critical), ("error", .error), ("warn", .warning),
        ("Warning", .warning), ("INFO", .info), ("debug", .debug), ("trace", .trace),
    ])
    func levels(_ raw: String, _ level: Logger.Level) throws {
        #expect(try DriverConfigParams.parse("PODMON_NODE_LOG_LEVEL: \(raw)").nodeLogLevel == level)
    }

    /// podmon's main.feature bad-* files: each is "error with configuration parameters".
    @Test("invalid values are errors naming the key", arguments: [
        ("PODMON_ARRAY_CONNECTIVITY_CONNECTION_LOSS_THRESHOLD: 5.323", "PODMON_ARRAY_CONNECTIVITY_CONNECTION_LOSS_THRESHOLD"),
        ("PODMON_ARRAY_CONNECTIVITY_POLL_RATE: 15.012", "PODMON_ARRAY_CONNECTIVITY_POLL_RATE"),
        ("PODMON_SKIP_ARRAY_CONNECTION_VALIDATION: not-a-boolean", "PODMON_SKIP_ARRAY_CONNECTION_VALIDATION"),
        ("PODMON_ARRAY_CONNECTIVITY_POLL_RATE: -15", "PODMON_ARRAY_CONNECTIVITY_POLL_RATE"),
        ("PODMON_ARRAY_CONNECTIVITY_CONNECTION_LOSS_THRESHOLD: 0", "PODMON_ARRAY_CONNECTIVITY_CONNECTION_LOSS_THRESHOLD"),
        ("PODMON_CONTROLLER_LOG_LEVEL: bogus", "PODMON_CONTROLLER_LOG_LEVEL"),
        ("PODMON_NODE_LOG_LEVEL: bogus", "PODMON_NODE_LOG_LEVEL"),
        ("PODMON_ARRAY_CONNECTIVITY_POLL_RATE: fifteen", "PODMON_ARRAY_CONNECTIVITY_POLL_RATE"),
        ("PODMON_SKIP_ARRAY_CONNECTION_VALIDATION: yes", "PODMON_SKIP_ARRAY_CONNECTION_VALIDATION"),
        ("PODMON_ARRAY_CONNECTIVITY_POLL_RATE: [15]", "PODMON_ARRAY_CONNECTIVITY_POLL_RATE"),
    ])
    func invalid(_ text: String, _ key: String) {
        let error = #expect(throws: DriverConfigParamsError.self) { try DriverConfigParams.parse(text) }
        #expect(error?.key == key)
        #expect(error?.message.contains(key) == true, "\(String(describing: error))")
        // The whole file is refused even when other keys are valid.
        #expect(throws: DriverConfigParamsError.self) {
            try DriverConfigParams.parse("PODMON_CONTROLLER_LOG_LEVEL: info\n" + text)
        }
    }

    @Test("a file that is not a mapping is an error without a key", arguments: ["- a\n- b", "just text", "{unclosed: "])
    func notMapping(_ text: String) {
        let error = #expect(throws: DriverConfigParamsError.self) { try DriverConfigParams.parse(text) }
        #expect(error?.key == nil)
    }

    @Test("bad formats (podmon bad-format1/2) and bad CSI_LOG_* values only warn")
    func warnings() throws {
        let params = try DriverConfigParams.parse("""
            PODMON_CONTROLLER_LOG_FORMAT: bogus
            PODMON_NODE_LOG_FORMAT: bogus
            CSI_LOG_LEVEL: loud
            SOME_DRIVER_KEY: 1
            """)
        #expect(params.controllerLogFormat == .text && params.nodeLogFormat == .text)
        #expect(params.controllerLogLevel == nil)
        #expect(params.warnings.count == 4, "\(params.warnings)")
    }

    @Test("CSI_LOG_LEVEL applies to both roles when the PODMON_* keys are absent")
    func csiLogLevel() throws {
        let params = try DriverConfigParams.parse("CSI_LOG_LEVEL: DEBUG\nPODMON_NODE_LOG_LEVEL: error\nCSI_LOG_FORMAT: json")
        #expect(params.controllerLogLevel == .debug)
        #expect(params.nodeLogLevel == .error)
        #expect(params.controllerLogFormat == .json && params.nodeLogFormat == .json)
    }

    @Test("environment variables named like a key override the file (viper AutomaticEnv)")
    func environment() throws {
        let params = try DriverConfigParams.parse(
            "PODMON_ARRAY_CONNECTIVITY_POLL_RATE: 60",
            environment: ["PODMON_ARRAY_CONNECTIVITY_POLL_RATE": "5", "PODMON_SKIP_ARRAY_CONNECTION_VALIDATION": "1",
                          "HOME": "/root"])
        #expect(params.pollInterval == .seconds(5))
        #expect(params.skipArrayConnectionValidation == true)
        #expect(params.warnings.isEmpty)
        #expect(throws: DriverConfigParamsError.self) {
            try DriverConfigParams.parse("", environment: ["PODMON_ARRAY_CONNECTIVITY_POLL_RATE": "0"])
        }
    }
}

@Suite("podmon compatibility: start and reload precedence")
struct PodmonCompatibilityTests {
    static func configuration(_ flags: [String: String]) throws -> Configuration {
        let schema = ConfigSchema.common.merging(PodmonCompatibility.schema).merging(ConfigSchema([
            ConfigKey("prober.pollInterval", .duration, default: "15s", help: "test"),
        ]))
        return try ConfigLoader.load(schema: schema, file: nil, environment: [:], flags: flags)
    }

    @Test("at start the ConfigMap beats a default, an explicit key beats the ConfigMap")
    func start() throws {
        let defaults = try Self.configuration([:])
        #expect(PodmonCompatibility.startValue(Duration.seconds(15), key: "prober.pollInterval", configMap: .seconds(60),
                                               in: defaults) == .seconds(60))
        #expect(PodmonCompatibility.startValue(Duration.seconds(15), key: "prober.pollInterval", configMap: nil,
                                               in: defaults) == .seconds(15))
        let explicit = try Self.configuration(["prober.pollInterval": "2s"])
        #expect(PodmonCompatibility.startValue(Duration.seconds(2), key: "prober.pollInterval", configMap: .seconds(60),
                                               in: explicit) == .seconds(2))
    }

    @Test("a reload applies what changed, restores what was removed, leaves the rest", arguments: [
        (Int?.none, Int?.none, Int?.none), (3, 3, nil), (3, 5, 5), (nil, 5, 5), (5, nil, 7),
    ])
    func reload(_ old: Int?, _ new: Int?, _ expected: Int?) {
        #expect(PodmonCompatibility.reloaded(old: old, new: new, startValue: 7) == expected)
    }

    @Test("the watcher is off without a path and a configuration error with a bad one")
    func watcher() throws {
        #expect(try PodmonCompatibility.driverConfigParamsWatcher(try Self.configuration([:]), environment: [:],
                                                                  logger: Logger(label: "t")) == nil)
        #expect(try PodmonCompatibility.driverConfigParamsWatcher(
            try Self.configuration(["podmon.driverConfigParams": ""]), environment: [:], logger: Logger(label: "t")) == nil)
        let error = #expect(throws: ConfigError.self) {
            try PodmonCompatibility.driverConfigParamsWatcher(
                try Self.configuration(["podmon.driverConfigParams": "/nonexistent/driver-config-params.yaml"]),
                environment: [:], logger: Logger(label: "t"))
        }
        #expect(error?.key == "podmon.driverConfigParams")
    }

    @Test("the live log level overrides every bootstrap logger's level, and nil restores it")
    func liveLogLevel() {
        let collected = LineCollector()
        var logger = Logger(label: "t") { label in
            LiveLevelLogHandler(LoggingBootstrap.makeHandler(label: label, service: "t", format: .text, level: .info,
                                                             output: collected.sink))
        }
        logger.logLevel = .info
        defer { LiveLogLevel.set(nil) }
        logger.debug("hidden")
        LiveLogLevel.set(.debug)
        #expect(logger.logLevel == .debug)
        logger.debug("shown")
        LiveLogLevel.set(nil)
        logger.debug("hidden again")
        #expect(logger.logLevel == .info)
        #expect(collected.lines.count == 1)
        #expect(collected.lines.first?.contains("shown") == true)
    }
}
