/// storage.k8s.io/v1 CSINode: which CSI drivers run on a node and their node ids.
public struct CSINode: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(group: "storage.k8s.io", version: "v1", plural: "csinodes", kind: "CSINode", namespaced: false)
    public var metadata = ObjectMeta()
    public var spec = CSINodeSpec()
    public var preserved: PreservedJSON?

    enum CodingKeys: String, CodingKey { case metadata, spec }

    public init() {}
}
