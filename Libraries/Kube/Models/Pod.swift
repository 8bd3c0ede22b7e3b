/// core/v1 Pod.
public struct Pod: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(group: "", version: "v1", plural: "pods", kind: "Pod", namespaced: true)
    public var metadata = ObjectMeta()
    public var spec: PodSpec?
    public var status: PodStatus?
    public var preserved: PreservedJSON?

    enum CodingKeys: String, CodingKey { case metadata, spec, status }

    public init() {}
}
