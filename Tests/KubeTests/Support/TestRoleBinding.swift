import Kube

/// rbac.authorization.k8s.io/v1 RoleBinding (tests grant a service account a ClusterRole).
struct TestRoleBinding: KubeResource, Hashable {
    static let resource = ResourceDescriptor(group: "rbac.authorization.k8s.io", version: "v1", plural: "rolebindings", kind: "RoleBinding", namespaced: true)
    var metadata = ObjectMeta()
    var roleRef: JSONValue = .null
    var subjects: [JSONValue]?
    var preserved: PreservedJSON?

    enum CodingKeys: String, CodingKey { case metadata, roleRef, subjects }

    init() {}
}
