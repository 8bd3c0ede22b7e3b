import Kube

/// core/v1 ServiceAccount, defined by the tests (the library does not need it): shows that any
/// kind can be added by conforming to `KubeResource`.
struct TestServiceAccount: KubeResource, Hashable {
    static let resource = ResourceDescriptor(group: "", version: "v1", plural: "serviceaccounts", kind: "ServiceAccount", namespaced: true)
    var metadata = ObjectMeta()
    var secrets: [ObjectReference]?
    var preserved: PreservedJSON?

    enum CodingKeys: String, CodingKey { case metadata, secrets }

    init() {}
}
