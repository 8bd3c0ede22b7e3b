/// `contexts[].context`: which cluster, which user, which default namespace.
public struct KubeconfigContext: Codable, Sendable, Hashable {
    public var cluster: String
    public var user: String?
    public var namespace: String?
}
