import Kube

/// core/v1 Secret (tests read service-account token secrets).
struct TestSecret: KubeResource, Hashable {
    static let resource = ResourceDescriptor(group: "", version: "v1", plural: "secrets", kind: "Secret", namespaced: true)
    var metadata = ObjectMeta()
    var type: String?
    var data: [String: String]?
    var preserved: PreservedJSON?

    enum CodingKeys: String, CodingKey { case metadata, type, data }

    init() {}
}
