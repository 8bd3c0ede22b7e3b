public import ArrayFamily

/// How many nodes, which families, and how often the simulated kubelets act.
public struct SimulatedClusterConfiguration: Sendable {
    /// Node names; each gets InternalIP `127.0.1.<i+firstAddress>` (loopback only).
    public var nodeNames: [String]
    public var families: [ArrayFamilyID]
    /// Where the CSI driver node pods live (Dell's charts use the driver's namespace).
    public var driverNamespace: String
    /// Per-family overrides of ``driverNamespace`` (Dell's charts install each driver in its own
    /// namespace, and a watcher maps each namespace to one driver).
    public var driverNamespaces: [ArrayFamilyID: String] = [:]
    /// The zone label of every node: a test's nodes form their own zone, so another test's dead
    /// nodes never push it into (partial) disruption mode.
    public var zone: String
    /// Where the unix sockets go; nil: a fresh short directory under /tmp.
    public var socketDirectory: String?
    /// Lease renewal and status heartbeat; well under the control plane's 8 s grace period.
    public var heartbeatInterval: Duration = .seconds(2)
    public var leaseDurationSeconds: Int32 = 40
    /// How often each kubelet reconciles its pods, and the attacher its VolumeAttachments.
    public var syncInterval: Duration = .milliseconds(500)
    /// How often each kubelet compares the pod statuses the API server holds with its own and
    /// writes back those someone else changed (the kubelet status manager's sync period, 10 s).
    public var statusReconcileInterval: Duration = .seconds(10)
    /// How often a running container writes to each of its volumes.
    public var writeInterval: Duration = .seconds(1)
    /// The last octet of the first node's InternalIP (127.0.1.x).
    public var firstAddress: Int = 1
    /// Delete the Node, CSINode, Lease and driver pod objects on stop (so a stopped cluster's dead
    /// nodes do not linger in the shared control plane).
    public var deleteNodesOnStop: Bool = true

    public init(nodeNames: [String], families: [ArrayFamilyID] = [.powerstore],
                driverNamespace: String = "podguard-sim-drivers", zone: String? = nil) {
        self.nodeNames = nodeNames
        self.families = families
        self.driverNamespace = driverNamespace
        self.zone = zone ?? (nodeNames.first ?? "sim")
    }

    /// `count` nodes named `<prefix>-1`...
    public init(nodes count: Int, namePrefix: String = "sim-node", families: [ArrayFamilyID] = [.powerstore],
                driverNamespace: String = "podguard-sim-drivers") {
        self.init(nodeNames: (1...max(1, count)).map { "\(namePrefix)-\($0)" }, families: families,
                  driverNamespace: driverNamespace, zone: namePrefix)
    }

    /// The namespace of the family's CSI driver node pods.
    public func driverNamespace(for family: ArrayFamilyID) -> String { driverNamespaces[family] ?? driverNamespace }
}
