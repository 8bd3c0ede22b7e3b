/// `Node.status` (what the node simulator posts, and what the attach/detach controller adds).
public struct NodeStatus: Codable, Sendable, Hashable {
    public var conditions: [NodeCondition]?
    public var addresses: [NodeAddress]?
    public var capacity: [String: String]?
    public var allocatable: [String: String]?
    public var nodeInfo: NodeSystemInfo?
    /// What the attach/detach controller has attached to the node (its actual state of the world);
    /// a CSI volume is named `kubernetes.io/csi/<driver>^<volume handle>`.
    public var volumesAttached: [AttachedVolume]?

    public init(conditions: [NodeCondition]? = nil, addresses: [NodeAddress]? = nil, capacity: [String: String]? = nil,
                allocatable: [String: String]? = nil, volumesAttached: [AttachedVolume]? = nil) {
        self.conditions = conditions
        self.addresses = addresses
        self.capacity = capacity
        self.allocatable = allocatable
        self.volumesAttached = volumesAttached
    }
}

/// One entry of `status.volumesAttached`.
public struct AttachedVolume: Codable, Sendable, Hashable {
    public var name: String
    public var devicePath: String

    public init(name: String, devicePath: String = "") {
        self.name = name
        self.devicePath = devicePath
    }
}
