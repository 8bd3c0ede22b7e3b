public import CRI
public import CSI
public import ServiceKit

/// An adapter's configuration (keys `adapter.*`, see `schema`).
public struct AdapterSettings: Sendable {
    public var mode: AdapterMode
    /// The driver's socket (controller or node plugin).
    public var csiAddress: CSIAddress
    /// podmon's "pending" rule for ControllerUnpublish and NodeUnpublish; the wait is configurable
    /// (`adapter.pendingRetryWait`) so tests and impatient operators need not wait 30 s.
    public var pendingRetry: PendingRetryPolicy
    /// The arrays the driver manages: a node-only ValidateHostConnectivity asks each of them on
    /// its own. Empty leaves the choice to the driver (its default array(s)).
    public var knownArrays: [String]
    /// How often the driver is probed for readiness (CSI Probe and the extension probe).
    public var healthProbeInterval: Duration
    /// This instance's name in reply headers (`adapter-<family>/<instance>`); the pod name.
    public var instance: String
    /// The driver's `X_CSI_PRIVATE_MOUNT_DIR`, for node paths derived from the family's layout.
    public var privateMountDirectory: String?
    /// The suggested wait a TRANSIENT reply carries (`retry_after`).
    public var transientRetryAfter: Duration
    /// The node's container runtime (CRI) for `list-containers` in node mode; nil answers
    /// UNIMPLEMENTED. Unused in controller mode.
    public var criEndpoint: CRIEndpoint?

    public init(mode: AdapterMode, csiAddress: CSIAddress, pendingRetry: PendingRetryPolicy = .podmon,
                knownArrays: [String] = [], healthProbeInterval: Duration = .seconds(5), instance: String,
                privateMountDirectory: String? = nil, transientRetryAfter: Duration = .seconds(1),
                criEndpoint: CRIEndpoint? = nil) {
        self.mode = mode
        self.csiAddress = csiAddress
        self.pendingRetry = pendingRetry
        self.knownArrays = knownArrays
        self.healthProbeInterval = healthProbeInterval
        self.instance = instance
        self.privateMountDirectory = privateMountDirectory
        self.transientRetryAfter = transientRetryAfter
        self.criEndpoint = criEndpoint
    }

    /// containerd's socket, the default of `adapter.criEndpoint`.
    public static let defaultCRIEndpoint = "unix:///run/containerd/containerd.sock"

    /// The keys every adapter adds to `BusConfiguration.schema`.
    public static let schema = ConfigSchema([
        ConfigKey("adapter.mode", .oneOf(["controller", "node"]), default: "controller",
                  help: "controller: beside the CSI controller plugin (queue group); node: beside the node plugin of adapter.nodeName"),
        ConfigKey("adapter.csiSocket", .string, default: "unix:///var/run/csi/csi.sock",
                  help: "the CSI driver's unix socket (unix:///path, unix:/path or /path)"),
        ConfigKey("adapter.nodeName", .string, default: nil,
                  help: "the Kubernetes node this adapter serves; required in node mode"),
        ConfigKey("adapter.pendingRetryWait", .duration, default: "30s",
                  help: "wait between tries of an unpublish the driver reports as pending (podmon PendingRetryTime)"),
        ConfigKey("adapter.pendingRetryAttempts", .int, default: "3", range: 1...100,
                  help: "tries of an unpublish the driver reports as pending, the first included (podmon CSIMaxRetries)"),
        ConfigKey("adapter.arrays", .stringList, default: nil,
                  help: "array ids the driver manages; a node-only connectivity check asks each on its own (default: the driver's choice)"),
        ConfigKey("adapter.csiProbeInterval", .duration, default: "5s",
                  help: "how often the driver is probed for /readyz (CSI Probe and the podmon extension probe)"),
        ConfigKey("adapter.instance", .string, default: nil,
                  help: "this instance's name in reply headers; defaults to the host (pod) name"),
        ConfigKey("adapter.privateMountDir", .string, default: nil,
                  help: "the driver's X_CSI_PRIVATE_MOUNT_DIR, for node paths derived from pod uid and PV name"),
        ConfigKey("adapter.criEndpoint", .string, default: defaultCRIEndpoint,
                  help: "node mode: the container runtime's CRI socket for list-containers (unix:///path, unix:/path or /path; CRI-O: unix:///run/crio/crio.sock); empty or none answers UNIMPLEMENTED"),
    ])

    /// Reads the `adapter.*` keys; a node mode without a node name or a malformed socket address
    /// is a configuration error (exit 78).
    public init(_ configuration: Configuration, defaultInstance: String) throws(ConfigError) {
        let mode: AdapterMode
        if configuration.string("adapter.mode") == "node" {
            guard let node = configuration.string("adapter.nodeName"), !node.isEmpty else {
                throw ConfigError(key: "adapter.nodeName", message: "adapter.mode is node but adapter.nodeName is not set")
            }
            mode = .node(node)
        } else {
            mode = .controller
        }
        let socket = configuration.string("adapter.csiSocket") ?? "unix:///var/run/csi/csi.sock"
        let address: CSIAddress
        do throws(CSIError) {
            address = try CSIAddress(parsing: socket)
        } catch {
            throw ConfigError(key: "adapter.csiSocket", message: "invalid value '\(socket)' for 'adapter.csiSocket': \(error.message)")
        }
        let cri = configuration.string("adapter.criEndpoint") ?? ""
        var criEndpoint: CRIEndpoint?
        // "none" too, because an empty environment variable counts as unset.
        if !cri.allSatisfy(\.isWhitespace), cri.lowercased() != "none" {
            do throws(CRIError) {
                criEndpoint = try CRIEndpoint(parsing: cri)
            } catch {
                throw ConfigError(key: "adapter.criEndpoint",
                                  message: "invalid value '\(cri)' for 'adapter.criEndpoint': \(error.message)")
            }
        }
        self.init(
            mode: mode, csiAddress: address,
            pendingRetry: PendingRetryPolicy(maxAttempts: configuration.int("adapter.pendingRetryAttempts") ?? 3,
                                             delay: configuration.duration("adapter.pendingRetryWait") ?? .seconds(30)),
            knownArrays: configuration.stringList("adapter.arrays") ?? [],
            healthProbeInterval: configuration.duration("adapter.csiProbeInterval") ?? .seconds(5),
            instance: configuration.string("adapter.instance") ?? defaultInstance,
            privateMountDirectory: configuration.string("adapter.privateMountDir"),
            criEndpoint: criEndpoint)
    }
}
