/// `Node.spec`.
public struct NodeSpec: Codable, Sendable, Hashable {
    public var taints: [Taint]?
    public var unschedulable: Bool?
    public var providerID: String?
    public var podCIDR: String?

    public init(taints: [Taint]? = nil, unschedulable: Bool? = nil) {
        self.taints = taints
        self.unschedulable = unschedulable
    }
}
