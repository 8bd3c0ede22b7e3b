import FencingCore
import Foundation
import Contracts
import ServiceKit

/// fencing's configuration (keys `fencing.*`, see `schema`; `kube.*` are KubeService's).
public struct FencingSettings: Sendable {
    /// This replica's name: the FenceRecord owner is `fencing/<replicaID>`.
    public var replicaID: String
    /// Durable consumers shared by all replicas.
    public var fenceConsumer: String
    public var taintConsumer: String
    /// Ack wait of both consumers; a replica working on a request sends in-progress acknowledgements
    /// every third of it.
    public var ackWait: Duration
    /// Deliveries of one request before the server gives up on it; nil = unlimited (the contract's).
    public var maxDeliveries: Int?
    /// Requests worked on at once by this replica.
    public var concurrency: Int
    /// Transient failures retried per remediation before it aborts.
    public var maxRetries: Int
    public var backoff: RetryBackoff
    /// The deadline the adapter gets for ValidateHostConnectivity (podmon's ShortTimeout).
    public var validateTimeout: Duration
    /// How long to wait for a ControllerUnpublish reply (the adapter retries "pending" inside it).
    public var unpublishTimeout: Duration
    /// `unpublishTimeout` per family, where a family's driver is slower.
    public var unpublishTimeoutByFamily: [Podguard_V1_ArrayFamily: Duration]
    /// A record whose owner has not written for this long may be taken over by another replica.
    public var takeoverAfter: Duration
    /// The Event source (`reportingController`): podmon's, so existing runbooks match.
    public var eventComponent: String
    /// How long after the pod delete a FenceRecord waits for its replacement pod to run (then
    /// `replacement_running_at` stays unset and the last two failover phases are not observed).
    public var replacementWindow: Duration
    /// How often, while a fenced node waits for cleanup, the VolumeAttachments are checked for a
    /// fenced volume attached to it again (`RepublicationGuard`); nil = never.
    public var republicationCheckEvery: Duration?
    /// The node remediation ladder (`remediation.*`).
    public var remediation: NodeRemediationSettings

    public init(replicaID: String, fenceConsumer: String = "fencing-fence-requests", taintConsumer: String = "fencing-taint-requests",
                ackWait: Duration = .seconds(60), maxDeliveries: Int? = nil, concurrency: Int = 64, maxRetries: Int = 10,
                backoff: RetryBackoff = RetryBackoff(), validateTimeout: Duration = .seconds(10),
                unpublishTimeout: Duration = .seconds(120), unpublishTimeoutByFamily: [Podguard_V1_ArrayFamily: Duration] = [:],
                takeoverAfter: Duration = .seconds(60), eventComponent: String = "podmon",
                replacementWindow: Duration = .seconds(3600), republicationCheckEvery: Duration? = .seconds(5),
                remediation: NodeRemediationSettings = NodeRemediationSettings()) {
        self.replicaID = replicaID
        self.fenceConsumer = fenceConsumer
        self.taintConsumer = taintConsumer
        self.ackWait = ackWait
        self.maxDeliveries = maxDeliveries
        self.concurrency = concurrency
        self.maxRetries = maxRetries
        self.backoff = backoff
        self.validateTimeout = validateTimeout
        self.unpublishTimeout = unpublishTimeout
        self.unpublishTimeoutByFamily = unpublishTimeoutByFamily
        self.takeoverAfter = takeoverAfter
        self.eventComponent = eventComponent
        self.replacementWindow = replacementWindow
        self.republicationCheckEvery = republicationCheckEvery
        self.remediation = remediation
    }

    public var producerID: String { "fencing/\(replicaID)" }

    public func unpublishTimeout(_ family: Podguard_V1_ArrayFamily) -> Duration {
        unpublishTimeoutByFamily[family] ?? unpublishTimeout
    }

    public static let schema = ConfigSchema([
        FamilyConfiguration.genericDriversKey,
        ConfigKey("fencing.replicaID", .string, default: nil, help: "this replica's name (FenceRecord owner fencing/<id>); defaults to the host (pod) name"),
        ConfigKey("fencing.fenceConsumer", .string, default: "fencing-fence-requests", help: "durable consumer of FenceRequests, shared by all replicas"),
        ConfigKey("fencing.taintConsumer", .string, default: "fencing-taint-requests", help: "durable consumer of NodeTaintRequests, shared by all replicas"),
        ConfigKey("fencing.ackWait", .duration, default: "60s", help: "ack wait of both consumers; in-progress acknowledgements are sent every third of it"),
        ConfigKey("fencing.maxDeliveries", .int, default: "0", range: 0...1_000_000, help: "deliveries of one request before the server gives up; 0 = unlimited"),
        ConfigKey("fencing.concurrency", .int, default: "64", range: 1...1024, help: "requests worked on at once by one replica (a failed node's pods arrive at once; see docs/performance.md)"),
        // fencing's own client budget: idle but for failovers, then about seven calls per pod, all
        // at once for a failed node's pods (measured in docs/performance.md). Overrides KubeClientSettings' defaults.
        ConfigKey("kube.qps", .double, default: "500", help: "client-side rate limit of API requests per second (fencing: ~7 calls per remediated pod, in bursts)"),
        ConfigKey("kube.burst", .int, default: "1000", range: 1...100_000, help: "requests allowed above the rate limit in a burst"),
        ConfigKey("fencing.maxRetries", .int, default: "10", range: 0...10_000, help: "transient failures (adapter or Kubernetes unavailable, pending unpublish) retried before a remediation aborts"),
        ConfigKey("fencing.retry.initialDelay", .duration, default: "1s", help: "first redelivery delay after a transient failure; doubles per retry"),
        ConfigKey("fencing.retry.maxDelay", .duration, default: "30s", help: "cap of the redelivery delay (an adapter's retry_after may be longer)"),
        ConfigKey("fencing.validateTimeout", .duration, default: "10s", help: "deadline of ValidateHostConnectivity in the adapter (podmon ShortTimeout)"),
        ConfigKey("fencing.unpublishTimeout", .duration, default: "120s", help: "wait for a ControllerUnpublish reply (the adapter retries 'pending' inside it)"),
        ConfigKey("fencing.unpublishTimeoutByFamily", .stringList, default: nil, help: "per-family overrides of fencing.unpublishTimeout, e.g. powermax=5m,unity=3m"),
        ConfigKey("fencing.takeoverAfter", .duration, default: "60s", help: "a FenceRecord whose owner has not written for this long may be taken over"),
        ConfigKey("fencing.eventComponent", .string, default: "podmon", help: "reportingController of the Events on pods (podmon's, so runbooks keep matching)"),
        ConfigKey("fencing.republicationCheckEvery", .duration, default: "5s", help: "while a fenced node waits for node-cleanup, and three intervals after: how often the VolumeAttachments are checked for a fenced volume attached to it again (then unpublished again, the attachment deleted, a critical alert; after the cleanup, not when a pod now on the node uses the claim); 0s = never"),
        ConfigKey("fencing.replacementWindow", .duration, default: "1h", help: "how long after a pod delete its FenceRecord waits for the replacement pod to be Running and Ready (replacement_running_at)"),
    ] + NodeRemediationSettings.schema)

    public init(_ configuration: Configuration, defaultReplicaID: String) throws(ConfigError) {
        let maxDeliveries = configuration.int("fencing.maxDeliveries") ?? 0
        self.init(
            replicaID: configuration.string("fencing.replicaID") ?? defaultReplicaID,
            fenceConsumer: configuration.string("fencing.fenceConsumer") ?? "fencing-fence-requests",
            taintConsumer: configuration.string("fencing.taintConsumer") ?? "fencing-taint-requests",
            ackWait: configuration.duration("fencing.ackWait") ?? .seconds(60),
            maxDeliveries: maxDeliveries == 0 ? nil : maxDeliveries,
            concurrency: configuration.int("fencing.concurrency") ?? 64,
            maxRetries: configuration.int("fencing.maxRetries") ?? 10,
            backoff: RetryBackoff(initial: configuration.duration("fencing.retry.initialDelay") ?? .seconds(1),
                                  maximum: configuration.duration("fencing.retry.maxDelay") ?? .seconds(30)),
            validateTimeout: configuration.duration("fencing.validateTimeout") ?? .seconds(10),
            unpublishTimeout: configuration.duration("fencing.unpublishTimeout") ?? .seconds(120),
            unpublishTimeoutByFamily: try Self.familyTimeouts(configuration.stringList("fencing.unpublishTimeoutByFamily") ?? []),
            takeoverAfter: configuration.duration("fencing.takeoverAfter") ?? .seconds(60),
            eventComponent: configuration.string("fencing.eventComponent") ?? "podmon",
            replacementWindow: configuration.duration("fencing.replacementWindow") ?? .seconds(3600),
            republicationCheckEvery: (configuration.duration("fencing.republicationCheckEvery") ?? .seconds(5)).nonZero,
            remediation: try NodeRemediationSettings(configuration))
    }

    /// Parses `family=duration` entries.
    static func familyTimeouts(_ entries: [String]) throws(ConfigError) -> [Podguard_V1_ArrayFamily: Duration] {
        var result: [Podguard_V1_ArrayFamily: Duration] = [:]
        for entry in entries {
            let parts = entry.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let family = PodguardSubjects.family(fromToken: parts[0]), family != .unspecified,
                  let timeout = DurationParser.parse(parts[1]) else {
                throw ConfigError(key: "fencing.unpublishTimeoutByFamily",
                                  message: "invalid value '\(entry)' for 'fencing.unpublishTimeoutByFamily': expected <family>=<duration>, e.g. powermax=5m")
            }
            result[family] = timeout
        }
        return result
    }
}

extension Duration {
    /// nil for zero: a zero interval switches the thing off.
    fileprivate var nonZero: Duration? { self == .zero ? nil : self }
}
