/// core/v1 Namespace (tests create one per test; services only read them).
public struct Namespace: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(group: "", version: "v1", plural: "namespaces", kind: "Namespace", namespaced: false)
    public var metadata = ObjectMeta()
    public var preserved: PreservedJSON?

    enum CodingKeys: String, CodingKey { case metadata }

    public init() {}
}
