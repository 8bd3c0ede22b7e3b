import Kube

/// authentication.k8s.io/v1 TokenRequest, POSTed to `serviceaccounts/<name>/token`: how tokens are
/// had since 1.24 stopped creating token Secrets (and what a kubelet does for a projected token).
struct TestTokenRequest: KubeResource, Hashable {
    static let resource = ResourceDescriptor(group: "authentication.k8s.io", version: "v1", plural: "tokenrequests", kind: "TokenRequest", namespaced: true)
    var metadata = ObjectMeta()
    var spec: JSONValue?
    var status: JSONValue?
    var preserved: PreservedJSON?

    enum CodingKeys: String, CodingKey { case metadata, spec, status }

    init() {}

    /// A token of `account`, valid for an hour; bound to the Secret `boundTo` when given, so that
    /// deleting that Secret revokes it (as deleting the pod revokes a projected token).
    static func token(_ client: KubeClient, account: String, namespace: String, boundTo secret: String? = nil) async throws -> String {
        var request = TestTokenRequest()
        var spec: [String: JSONValue] = ["expirationSeconds": .number(3600)]
        if let secret {
            spec["boundObjectRef"] = .object(["kind": .string("Secret"), "apiVersion": .string("v1"), "name": .string(secret)])
        }
        request.spec = .object(spec)
        let answer = try await client.create(request, subresource: "token", of: ServiceAccount.self, name: account, namespace: namespace)
        guard let token = answer.status?["token"]?.stringValue, !token.isEmpty else {
            throw TestFailure("TokenRequest for \(namespace)/\(account) answered no token")
        }
        return token
    }
}
