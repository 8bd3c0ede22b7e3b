import ArrayProberCore
import ServiceKit

extension ProberSettings {
    /// Takes the start values of podmon's ConfigMap: `PODMON_ARRAY_CONNECTIVITY_POLL_RATE` for
    /// `prober.pollInterval` and `..._CONNECTION_LOSS_THRESHOLD` for `prober.lossThreshold`, unless
    /// the podguard key was set explicitly (see `PodmonCompatibility`).
    public mutating func adopt(_ params: DriverConfigParams, configuration: Configuration) {
        pollInterval = PodmonCompatibility.startValue(pollInterval, key: "prober.pollInterval",
                                                      configMap: params.pollInterval, in: configuration)
        lossThreshold = PodmonCompatibility.startValue(lossThreshold, key: "prober.lossThreshold",
                                                       configMap: params.lossThreshold, in: configuration)
    }

    /// The service that applies ConfigMap changes to these settings while the prober runs (and the
    /// controller log level). Call after `adopt`: the current values are the start values a
    /// removed key returns to.
    public func reloader(_ watcher: ConfigFileWatcher<DriverConfigParams>, logger: Logger) -> DriverConfigParamsReloader {
        let startPoll = pollInterval
        let startThreshold = lossThreshold
        return DriverConfigParamsReloader(watcher: watcher, role: .controller, logger: logger) { new, previous in
            let poll = PodmonCompatibility.reloaded(old: previous.pollInterval, new: new.pollInterval, startValue: startPoll)
            let threshold = PodmonCompatibility.reloaded(old: previous.lossThreshold, new: new.lossThreshold,
                                                         startValue: startThreshold)
            guard poll != nil || threshold != nil else { return }
            retune(pollInterval: poll, lossThreshold: threshold)
            logger.notice("prober settings changed by the driver config params", metadata: [
                "pollInterval": "\(pollInterval)", "lossThreshold": "\(lossThreshold)",
            ])
        }
    }
}
