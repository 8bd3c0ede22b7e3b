/// core/v1 ServiceAccount. `secrets` lists its token Secrets, which the token controller creates
/// only before Kubernetes 1.24.
public struct ServiceAccount: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(group: "", version: "v1", plural: "serviceaccounts", kind: "ServiceAccount", namespaced: true)
    public var metadata = ObjectMeta()
    public var secrets: [ObjectReference]?
    public var preserved: PreservedJSON?

    enum CodingKeys: String, CodingKey { case metadata, secrets }

    public init() {}
}
