import DecisionCore
import Logging
import Policy
import ServiceKit

extension DecisionSettings {
    /// The start value of `policy.skipArrayConnectionValidation` from podmon's ConfigMap
    /// (`PODMON_SKIP_ARRAY_CONNECTION_VALIDATION`), unless the key was set explicitly (see
    /// `PodmonCompatibility`).
    public static func adopt(_ params: DriverConfigParams, into policy: inout PolicyConfiguration,
                             configuration: Configuration) {
        policy.skipArrayConnectionValidation = PodmonCompatibility.startValue(
            policy.skipArrayConnectionValidation, key: "policy.skipArrayConnectionValidation",
            configMap: params.skipArrayConnectionValidation, in: configuration)
    }

    /// The service that applies ConfigMap changes to `live` while decision runs (and the controller
    /// log level). `live` holds the start value a removed key returns to.
    public static func reloader(_ watcher: ConfigFileWatcher<DriverConfigParams>, live: LivePolicy,
                                logger: Logger) -> DriverConfigParamsReloader {
        let start = live.skipArrayConnectionValidation
        return DriverConfigParamsReloader(watcher: watcher, role: .controller, logger: logger) { new, previous in
            guard let skip = PodmonCompatibility.reloaded(old: previous.skipArrayConnectionValidation,
                                                          new: new.skipArrayConnectionValidation, startValue: start)
            else { return }
            live.skipArrayConnectionValidation = skip
            logger.notice("skipArrayConnectionValidation changed by the driver config params", metadata: ["value": "\(skip)"])
        }
    }
}
