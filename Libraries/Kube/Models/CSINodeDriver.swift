/// One CSI driver registered on a node.
public struct CSINodeDriver: Codable, Sendable, Hashable {
    public var name: String
    public var nodeID: String
    public var topologyKeys: [String]?

    public init(name: String, nodeID: String, topologyKeys: [String]? = nil) {
        self.name = name
        self.nodeID = nodeID
        self.topologyKeys = topologyKeys
    }
}
