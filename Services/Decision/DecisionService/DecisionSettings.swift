import Policy
import ServiceKit

/// decision's configuration keys and their mapping to `PolicyConfiguration`.
public enum DecisionSettings {
    public static let schema = ConfigSchema([
        ConfigKey("policy.ignoreVolumelessPods", .bool, default: "false",
                  help: "podmon --ignoreVolumelessPods: pods without bound volumes are neither fenced nor block taint removal"),
        ConfigKey("policy.skipArrayConnectionValidation", .bool, default: "false",
                  help: "podmon --skipArrayConnectionValidation: fence despite 'connected / I/O' when the node is unreachable:NoExecute"),
        ConfigKey("policy.maxCrashLoopDeletes", .int, default: "5", range: 0...1000,
                  help: "normal deletes of a CrashLoopBackOff pod (podmon MaxCrashLoopBackOffRetry)"),
        ConfigKey("policy.dryRun", .bool, default: "false",
                  help: "decide, record and alert, but request nothing"),
        ConfigKey("policy.storm.maxConcurrentFences", .int, default: "200", range: 0...1_000_000,
                  help: "fences in progress at once; 0 = no limit"),
        ConfigKey("policy.storm.maxFencedNodeShare", .double, default: "0.5",
                  help: "share of the nodes that may have fenced pods at once (0..1); 0 = no limit"),
        ConfigKey("decision.reevaluateEvery", .duration, default: "5s",
                  help: "how often every pod is decided again (withheld and aborted pods are retried)"),
        ConfigKey("decision.retryAfterAbort", .duration, default: "10s",
                  help: "a pod whose fence was aborted is not requested again before this"),
    ])

    public static func policy(_ configuration: Configuration) throws(ConfigError) -> PolicyConfiguration {
        let share = configuration.double("policy.storm.maxFencedNodeShare") ?? 0.5
        guard (0...1).contains(share) else {
            throw ConfigError(key: "policy.storm.maxFencedNodeShare",
                              message: "invalid value '\(share)' for 'policy.storm.maxFencedNodeShare': expected a number from 0 to 1")
        }
        let maxFences = configuration.int("policy.storm.maxConcurrentFences") ?? 200
        return PolicyConfiguration(
            ignoreVolumelessPods: configuration.bool("policy.ignoreVolumelessPods") ?? false,
            skipArrayConnectionValidation: configuration.bool("policy.skipArrayConnectionValidation") ?? false,
            maxCrashLoopDeletes: configuration.int("policy.maxCrashLoopDeletes") ?? 5,
            dryRun: configuration.bool("policy.dryRun") ?? false,
            storm: StormLimits(maxConcurrentFences: maxFences == 0 ? nil : maxFences,
                               maxFencedNodeShare: share == 0 ? nil : share))
    }
}
