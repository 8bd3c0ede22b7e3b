/// `Node.status` (what the node simulator posts).
public struct NodeStatus: Codable, Sendable, Hashable {
    public var conditions: [NodeCondition]?
    public var addresses: [NodeAddress]?
    public var capacity: [String: String]?
    public var allocatable: [String: String]?
    public var nodeInfo: NodeSystemInfo?

    public init(conditions: [NodeCondition]? = nil, addresses: [NodeAddress]? = nil, capacity: [String: String]? = nil, allocatable: [String: String]? = nil) {
        self.conditions = conditions
        self.addresses = addresses
        self.capacity = capacity
        self.allocatable = allocatable
    }
}
