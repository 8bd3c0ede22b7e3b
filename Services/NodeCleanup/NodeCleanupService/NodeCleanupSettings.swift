import NodeCleanupCore
import ServiceKit

/// node-cleanup's configuration (`cleanup.*`; `kube.*` are KubeService's), with podmon's knobs where it has them.
public struct NodeCleanupSettings: Sendable {
    /// The node this instance cleans (one instance per node, a DaemonSet).
    public var nodeName: String
    /// This instance in headers and FenceRecords: `producer_id = node-cleanup/<instance>`.
    public var instance: String
    public var timing: CleanupCycleTiming
    /// How often the node is read with a GET besides the watch (podmon's APICheckInterval, 30 s).
    public var apiCheckInterval: Duration
    /// podmon `--ignoreVolumelessPods`.
    public var ignoreVolumelessPods: Bool
    /// When zombie containers were seen in a taint episode, keep the taint until the node reboots.
    public var requireBootIDChangeAfterZombies: Bool
    /// Deadline the adapter gives each CSI call (NodeUnpublishVolume, NodeUnstageVolume).
    public var adapterCallTimeout: Duration
    /// How long node-cleanup waits for an adapter reply (room for the adapter's "pending" retries).
    public var adapterReplyTimeout: Duration
    /// Deadline of the zombie check (list-containers; podmon: 10 s).
    public var containerCheckTimeout: Duration
    /// The drivers' `X_CSI_PRIVATE_MOUNT_DIR`, for the paths of the family's cleanup plan.
    public var privateMountDirectory: String?
    /// CSI drivers served by the generic adapter: their podguard taints are node-cleanup's too.
    public var genericDrivers: [String]
    /// Moved pods cleaned at once (each pod's volumes in order).
    public var concurrency: Int

    public init(nodeName: String, instance: String, timing: CleanupCycleTiming = CleanupCycleTiming(),
                apiCheckInterval: Duration = .seconds(5), ignoreVolumelessPods: Bool = false,
                requireBootIDChangeAfterZombies: Bool = false, adapterCallTimeout: Duration = .seconds(30),
                adapterReplyTimeout: Duration = .seconds(180), containerCheckTimeout: Duration = .seconds(10),
                privateMountDirectory: String? = nil, genericDrivers: [String] = [], concurrency: Int = 8) {
        self.nodeName = nodeName
        self.instance = instance
        self.timing = timing
        self.apiCheckInterval = apiCheckInterval
        self.ignoreVolumelessPods = ignoreVolumelessPods
        self.requireBootIDChangeAfterZombies = requireBootIDChangeAfterZombies
        self.adapterCallTimeout = adapterCallTimeout
        self.adapterReplyTimeout = adapterReplyTimeout
        self.containerCheckTimeout = containerCheckTimeout
        self.privateMountDirectory = privateMountDirectory
        self.genericDrivers = genericDrivers
        self.concurrency = max(1, concurrency)
    }

    public var producerID: String { "node-cleanup/\(instance)" }

    public static let schema = ConfigSchema([
        ConfigKey("cleanup.nodeName", .string, default: nil,
                  help: "the node this instance cleans (required; else NODE_NAME or KUBE_NODE_NAME from the downward API)"),
        ConfigKey("cleanup.instance", .string, default: nil, help: "this instance's id in headers; defaults to the host (pod) name"),
        ConfigKey("cleanup.stabilityWindow", .duration, default: "30s",
                  help: "how long the node must be tainted, Ready, not unreachable and readable before cleanup (podmon: 90-120 s)"),
        ConfigKey("cleanup.apiCheckInterval", .duration, default: "5s",
                  help: "how often the node is read besides the watch; three missed reads break stability (podmon APICheckInterval)"),
        ConfigKey("cleanup.retryInitialDelay", .duration, default: "5s", help: "wait after an attempt that kept the taint; doubles per failure"),
        ConfigKey("cleanup.retryMaxDelay", .duration, default: "60s", help: "cap of the retry wait"),
        ConfigKey("cleanup.ignoreVolumelessPods", .bool, default: "false",
                  help: "podmon --ignoreVolumelessPods: moved pods without volumes neither get cleaned nor block the taint"),
        ConfigKey("cleanup.requireBootIDChangeAfterZombies", .bool, default: "false",
                  help: "once zombie containers were seen, keep the taint until the node reboots (boot id changes)"),
        ConfigKey("cleanup.adapterCallTimeout", .duration, default: "30s", help: "deadline the node adapter gives each CSI call"),
        ConfigKey("cleanup.adapterReplyTimeout", .duration, default: "3m",
                  help: "wait for a node adapter reply (covers its 'pending' retries)"),
        ConfigKey("cleanup.concurrency", .int, default: "8", range: 1...256,
                  help: "moved pods cleaned at once (a returning node may have hundreds, each CSI call taking the driver's time)"),
        ConfigKey("cleanup.containerCheckTimeout", .duration, default: "10s", help: "deadline of the zombie check (list-containers)"),
        ConfigKey("cleanup.privateMountDir", .string, default: nil,
                  help: "the CSI drivers' X_CSI_PRIVATE_MOUNT_DIR, for the families' node paths (unset: each family's default)"),
        FamilyConfiguration.genericDriversKey,
    ])

    /// Reads the settings; the node name falls back to the downward-API variables `NODE_NAME` and
    /// podmon's `KUBE_NODE_NAME` (ServiceKit reads only `PODGUARD_*` variables).
    public init(_ configuration: Configuration, environment: [String: String], defaultInstance: String) throws(ConfigError) {
        let nodeName = [configuration.string("cleanup.nodeName"), environment["NODE_NAME"], environment["KUBE_NODE_NAME"]]
            .compactMap { $0 }.first { !$0.isEmpty }
        guard let nodeName else {
            throw ConfigError(key: "cleanup.nodeName",
                              message: "'cleanup.nodeName' is required (or NODE_NAME / KUBE_NODE_NAME from the downward API)")
        }
        let stability = configuration.duration("cleanup.stabilityWindow") ?? .seconds(30)
        let apiCheck = configuration.duration("cleanup.apiCheckInterval") ?? .seconds(5)
        let initial = configuration.duration("cleanup.retryInitialDelay") ?? .seconds(5)
        let maximum = configuration.duration("cleanup.retryMaxDelay") ?? .seconds(60)
        guard apiCheck > .zero else {
            throw ConfigError(key: "cleanup.apiCheckInterval", message: "'cleanup.apiCheckInterval' must be greater than 0")
        }
        guard initial > .zero, maximum >= initial else {
            throw ConfigError(key: "cleanup.retryMaxDelay",
                              message: "'cleanup.retryInitialDelay' must be greater than 0 and not above 'cleanup.retryMaxDelay'")
        }
        let privateDir = configuration.string("cleanup.privateMountDir").flatMap { $0.isEmpty ? nil : $0 }
        self.init(
            nodeName: nodeName,
            instance: configuration.string("cleanup.instance").flatMap { $0.isEmpty ? nil : $0 } ?? defaultInstance,
            timing: CleanupCycleTiming(stabilityWindow: stability, observationTimeout: apiCheck * 3,
                                       retryInitialDelay: initial, retryMaxDelay: maximum),
            apiCheckInterval: apiCheck,
            ignoreVolumelessPods: configuration.bool("cleanup.ignoreVolumelessPods") ?? false,
            requireBootIDChangeAfterZombies: configuration.bool("cleanup.requireBootIDChangeAfterZombies") ?? false,
            adapterCallTimeout: configuration.duration("cleanup.adapterCallTimeout") ?? .seconds(30),
            adapterReplyTimeout: configuration.duration("cleanup.adapterReplyTimeout") ?? .seconds(180),
            containerCheckTimeout: configuration.duration("cleanup.containerCheckTimeout") ?? .seconds(10),
            privateMountDirectory: privateDir,
            genericDrivers: FamilyConfiguration.genericDrivers(configuration),
            concurrency: configuration.int("cleanup.concurrency") ?? 8)
    }
}
