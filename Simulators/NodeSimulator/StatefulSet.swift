public import Kube

/// apps/v1 StatefulSet (not modelled by Kube yet), spec and status kept as JSON: tests and the
/// demo deploy with it.
public struct StatefulSet: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(group: "apps", version: "v1", plural: "statefulsets",
                                                    kind: "StatefulSet", namespaced: true)
    public var metadata = ObjectMeta()
    public var spec: JSONValue?
    public var status: JSONValue?
    public var preserved: PreservedJSON?

    enum CodingKeys: String, CodingKey { case metadata, spec, status }

    public init() {}
}
