import ArrayProberCore
import ServiceKit

/// array-prober's configuration (podmon's knobs where it has them).
public struct ProberSettings: Sendable {
    /// podmon `--arrayConnectivityPollRate` (default 15 s). Live: `retune` changes it for every
    /// copy, and the running service uses it from its next cycle on.
    public var pollInterval: Duration {
        get { tunables.current.pollInterval }
        set { tunables = ProberTunables(.init(pollInterval: newValue, lossThreshold: lossThreshold)) }
    }
    /// podmon `--arrayConnectivityConnectionLossThreshold` (default 3). Live, like `pollInterval`.
    public var lossThreshold: Int {
        get { tunables.current.lossThreshold }
        set { tunables = ProberTunables(.init(pollInterval: pollInterval, lossThreshold: newValue)) }
    }
    /// Shared by the copies of these settings (a setter gives this copy a box of its own).
    private var tunables: ProberTunables
    /// How long an adapter may take to answer one probe (podmon's ShortTimeout, 10 s).
    public var probeTimeout: Duration
    /// Probes in flight at once.
    public var concurrency: Int
    /// This replica's id in the membership bucket (the pod name in Kubernetes).
    public var replicaID: String

    public init(pollInterval: Duration = .seconds(15), lossThreshold: Int = 3, probeTimeout: Duration = .seconds(10),
                concurrency: Int = 32, replicaID: String) {
        self.tunables = ProberTunables(.init(pollInterval: pollInterval, lossThreshold: lossThreshold))
        self.probeTimeout = probeTimeout
        self.concurrency = concurrency
        self.replicaID = replicaID
    }

    public static let schema = ConfigSchema([
        ConfigKey("prober.pollInterval", .duration, default: "15s",
                  help: "time between probe cycles (podmon --arrayConnectivityPollRate)"),
        ConfigKey("prober.lossThreshold", .int, default: "3", range: 1...1000,
                  help: "consecutive failed samples before an array is declared lost (podmon --arrayConnectivityConnectionLossThreshold)"),
        ConfigKey("prober.probeTimeout", .duration, default: "10s", help: "deadline of one probe through the adapter"),
        ConfigKey("prober.concurrency", .int, default: "32", range: 1...10_000, help: "probes in flight at once"),
        ConfigKey("prober.replicaID", .string, default: nil, help: "this replica's id; defaults to the host (pod) name"),
    ])

    public init(_ configuration: Configuration, defaultReplicaID: String) {
        self.init(pollInterval: configuration.duration("prober.pollInterval") ?? .seconds(15),
                  lossThreshold: configuration.int("prober.lossThreshold") ?? 3,
                  probeTimeout: configuration.duration("prober.probeTimeout") ?? .seconds(10),
                  concurrency: configuration.int("prober.concurrency") ?? 32,
                  replicaID: configuration.string("prober.replicaID") ?? defaultReplicaID)
    }

    /// Changes the live settings of this and every copy of it (the running service's included).
    public func retune(pollInterval: Duration? = nil, lossThreshold: Int? = nil) {
        tunables.update { values in
            if let pollInterval { values.pollInterval = pollInterval }
            if let lossThreshold { values.lossThreshold = lossThreshold }
        }
    }
}
