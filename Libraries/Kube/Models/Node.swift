/// core/v1 Node.
public struct Node: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(group: "", version: "v1", plural: "nodes", kind: "Node", namespaced: false)
    public var metadata = ObjectMeta()
    public var spec: NodeSpec?
    public var status: NodeStatus?
    public var preserved: PreservedJSON?

    enum CodingKeys: String, CodingKey { case metadata, spec, status }

    public init() {}
}
