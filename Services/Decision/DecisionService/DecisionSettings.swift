import DecisionCore
import FamilyCatalog
import LadderSettings
import Policy
import ServiceKit

/// decision's configuration keys and their mapping to `PolicyConfiguration`.
public enum DecisionSettings {
    public static let schema = ConfigSchema([
        FamilyConfiguration.genericDriversKey,
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
        ConfigKey("policy.outage.minHealthy", .double, default: "0.51",
                  help: "act on an array family's (or driver's) nodes only while more than this share of them is healthy (Node Healthcheck's minHealthy)"),
        ConfigKey("policy.outage.minAffectedNodes", .int, default: "2", range: 1...1_000_000,
                  help: "fewer Ready nodes that lost an array (or its driver pod) than this are never an outage"),
        ConfigKey("policy.outage.window", .duration, default: "5m",
                  help: "the losses that open the outage breaker began within this long of each other"),
        ConfigKey("policy.notReadyEvidence", .oneOf(["node", "pod"]), default: "node",
                  help: "what may say a pod is not Ready: 'node' (its own condition, or its node silent: Ready Unknown/False past policy.nodeNotReadyGrace with node.kubernetes.io/unreachable; the fence then needs the array's proof) or 'pod' (podmon: its own condition only)"),
        ConfigKey("policy.nodeNotReadyGrace", .duration, default: "0s",
                  help: "with policy.notReadyEvidence=node: how long a node must have been Ready Unknown/False (after the node controller's own grace) before its pods count as not Ready"),
        ConfigKey("policy.repeatWindow", .duration, default: "5m",
                  help: "a workload moved off a node is not moved again on a storage-side trigger (connectivity loss, podguard or driver-offline taint) within this; 0s = no limit"),
    ] + RemediationLadders.schema + [
        ConfigKey("decision.reevaluateEvery", .duration, default: "5s",
                  help: "how often every pod is decided again (withheld and aborted pods are retried)"),
        ConfigKey("decision.retryAfterAbort", .duration, default: "10s",
                  help: "a pod whose fence was aborted is not requested again before this"),
        ConfigKey("decision.requeueUnclaimedAfter", .duration, default: "2m",
                  help: "a started remediation still REQUESTED and unclaimed by fencing after this long has its work queued again (its first may never have reached the queue)"),
    ])

    public static func policy(_ configuration: Configuration,
                              families: FamilyRegistry = FamilyRegistry()) throws(ConfigError) -> PolicyConfiguration {
        let share = configuration.double("policy.storm.maxFencedNodeShare") ?? 0.5
        guard (0...1).contains(share) else {
            throw ConfigError(key: "policy.storm.maxFencedNodeShare",
                              message: "invalid value '\(share)' for 'policy.storm.maxFencedNodeShare': expected a number from 0 to 1")
        }
        let minHealthy = configuration.double("policy.outage.minHealthy") ?? 0.51
        guard (0...1).contains(minHealthy) else {
            throw ConfigError(key: "policy.outage.minHealthy",
                              message: "invalid value '\(minHealthy)' for 'policy.outage.minHealthy': expected a number from 0 to 1")
        }
        let outage = OutageBreaker.Limits(minHealthy: minHealthy,
                                          minAffectedNodes: configuration.int("policy.outage.minAffectedNodes") ?? 2,
                                          window: configuration.duration("policy.outage.window") ?? .seconds(300))
        let maxFences = configuration.int("policy.storm.maxConcurrentFences") ?? 200
        let grace = configuration.duration("policy.nodeNotReadyGrace") ?? .zero
        let repeatWindow = configuration.duration("policy.repeatWindow") ?? .seconds(300)
        let evidence: NotReadyEvidence
        switch configuration.string("policy.notReadyEvidence") ?? "node" {
        case "node": evidence = .nodeSilence(grace: grace)
        case "pod": evidence = .podCondition
        case let other:
            throw ConfigError(key: "policy.notReadyEvidence",
                              message: "invalid value '\(other)' for 'policy.notReadyEvidence': expected 'node' or 'pod'")
        }
        return PolicyConfiguration(
            ignoreVolumelessPods: configuration.bool("policy.ignoreVolumelessPods") ?? false,
            skipArrayConnectionValidation: configuration.bool("policy.skipArrayConnectionValidation") ?? false,
            maxCrashLoopDeletes: configuration.int("policy.maxCrashLoopDeletes") ?? 5,
            dryRun: configuration.bool("policy.dryRun") ?? false,
            storm: StormLimits(maxConcurrentFences: maxFences == 0 ? nil : maxFences,
                               maxFencedNodeShare: share == 0 ? nil : share),
            outage: outage,
            notReadyEvidence: evidence,
            familiesWithoutArrayProof: families.familiesWithoutArrayProof,
            repeatWindow: repeatWindow == .zero ? nil : repeatWindow,
            ladders: try RemediationLadders(configuration))
    }
}
