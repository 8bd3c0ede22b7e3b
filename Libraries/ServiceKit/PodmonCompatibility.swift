/// The keys that let a podguard service follow podmon's driver ConfigMap
/// (`driver-config-params.yaml`), and the rules for what it overrides.
///
/// Precedence, decided deliberately (podmon's own start-up is inconsistent here: it applies the
/// ConfigMap, then re-applies the `--arrayConnectivityPollRate` and
/// `--arrayConnectivityConnectionLossThreshold` flags, so at start those two ConfigMap values are
/// ignored while every other one wins):
///
/// - **At start**, a value in the ConfigMap wins over podguard's default, but a podguard key set
///   explicitly (flag, environment, configuration file) wins over the ConfigMap — for every key
///   alike.
/// - **While running**, a key whose value *changes* in the ConfigMap takes its new value at once,
///   whatever set it at start. A key removed from the ConfigMap goes back to its start value. Keys
///   the change does not touch stay as they are.
/// - An invalid ConfigMap at start is a configuration error (exit 78); an invalid change while
///   running is logged as a warning and changes nothing — no key of it applies (podmon applies
///   the keys before the invalid one; podguard takes the change whole or not at all).
public enum PodmonCompatibility {
    public static let driverConfigParamsKey = "podmon.driverConfigParams"
    public static let reloadIntervalKey = "podmon.reloadInterval"

    public static let schema = ConfigSchema([
        ConfigKey(driverConfigParamsKey, .string, default: nil,
                  help: "path of podmon's driver-config-params.yaml (the mounted driver ConfigMap); its log level, poll rate, loss threshold and skip-validation flag then apply live. Unset or empty: off (podmon --driver-config-params)"),
        ConfigKey(reloadIntervalKey, .duration, default: "5s",
                  help: "how often the driver-config-params file is read for changes"),
    ])

    /// The watcher of the driver config params file, or nil when `podmon.driverConfigParams` is
    /// unset or empty. Throws (exit 78) when the file is missing or invalid at start.
    ///
    /// - Parameter environment: podmon's `AutomaticEnv`: variables named like a key override the
    ///   file (pass the process environment).
    public static func driverConfigParamsWatcher(
        _ configuration: Configuration, environment: [String: String], logger: Logger
    ) throws(ConfigError) -> ConfigFileWatcher<DriverConfigParams>? {
        guard let path = configuration.string(driverConfigParamsKey), !path.allSatisfy(\.isWhitespace) else { return nil }
        return try ConfigFileWatcher(
            path: path, key: driverConfigParamsKey,
            interval: configuration.duration(reloadIntervalKey) ?? .seconds(5), logger: logger
        ) { text in
            do throws(DriverConfigParamsError) {
                return .success(try DriverConfigParams.parse(text, environment: environment))
            } catch {
                return .failure(error)
            }
        }
    }

    /// A start value: the ConfigMap's, unless the podguard key was set explicitly.
    public static func startValue<T>(_ configured: T, key: String, configMap: T?, in configuration: Configuration) -> T {
        guard let configMap, configuration.source(of: key) == .default else { return configured }
        return configMap
    }

    /// What a reload does to one setting: the ConfigMap's new value if it changed, the start value
    /// if the key was removed, nil (leave it) if the change does not touch it.
    public static func reloaded<T: Equatable>(old: T?, new: T?, startValue: T) -> T? {
        guard old != new else { return nil }
        return new ?? startValue
    }

    /// Applies the log level of `role` at start (unless `log.level` was set explicitly) and logs
    /// the file's warnings.
    public static func applyAtStart(_ params: DriverConfigParams, role: DriverConfigParams.Role,
                                    configuration: Configuration, logger: Logger) {
        if let level = params.logLevel(for: role), configuration.source(of: "log.level") == .default {
            LiveLogLevel.set(level)
        }
        logWarnings(params, logger: logger)
    }

    /// Applies a reloaded log level of `role` (a removed key restores `log.level`) and logs the
    /// file's warnings.
    public static func applyReload(_ params: DriverConfigParams, previous: DriverConfigParams,
                                   role: DriverConfigParams.Role, logger: Logger) {
        let old = previous.logLevel(for: role)
        let new = params.logLevel(for: role)
        if old != new {
            LiveLogLevel.set(new)
            logger.notice("log level changed by the driver config params",
                          metadata: ["level": "\(new.map(\.rawValue) ?? "log.level")"])
        }
        logWarnings(params, logger: logger)
    }

    static func logWarnings(_ params: DriverConfigParams, logger: Logger) {
        for warning in params.warnings {
            logger.warning("driver config params", metadata: ["warning": "\(warning)"])
        }
    }
}
