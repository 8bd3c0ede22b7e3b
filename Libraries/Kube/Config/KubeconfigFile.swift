/// The YAML of a kubeconfig file (the parts a client needs), decoded with Yams.
public struct KubeconfigFile: Codable, Sendable, Hashable {
    public var clusters: [KubeconfigNamedCluster]?
    public var users: [KubeconfigNamedUser]?
    public var contexts: [KubeconfigNamedContext]?
    public var currentContext: String?

    enum CodingKeys: String, CodingKey {
        case clusters, users, contexts
        case currentContext = "current-context"
    }
}
