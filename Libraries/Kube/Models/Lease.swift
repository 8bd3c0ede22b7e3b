/// coordination.k8s.io/v1 Lease: leader election and node heartbeats.
public struct Lease: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(group: "coordination.k8s.io", version: "v1", plural: "leases", kind: "Lease", namespaced: true)
    public var metadata = ObjectMeta()
    public var spec: LeaseSpec?
    public var preserved: PreservedJSON?

    enum CodingKeys: String, CodingKey { case metadata, spec }

    public init() {}
}
