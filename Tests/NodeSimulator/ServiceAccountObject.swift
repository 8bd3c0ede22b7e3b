public import Kube

/// core/v1 ServiceAccount, only to wait until a namespace can take pods: in Kubernetes 1.20 the
/// ServiceAccount admission plugin refuses a pod ("No API token found for service account") until
/// the `default` account exists *and* its token Secret is listed in it.
public struct ServiceAccountObject: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(group: "", version: "v1", plural: "serviceaccounts",
                                                    kind: "ServiceAccount", namespaced: true)
    public var metadata = ObjectMeta()
    public var secrets: [JSONValue]?
    public var preserved: PreservedJSON?

    enum CodingKeys: String, CodingKey { case metadata, secrets }

    public init() {}

    /// Polls until `namespace` has a `default` ServiceAccount with its token (a minute at most).
    public static func waitForDefaultToken(client: KubeClient, namespace: String) async throws {
        for _ in 0..<600 {
            if let account = try await client.getIfPresent(Self.self, name: "default", namespace: namespace),
               account.secrets?.isEmpty == false {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw NodeSimulatorError.namespaceNotReady(namespace)
    }
}
