/// `contexts[]` of a kubeconfig.
public struct KubeconfigNamedContext: Codable, Sendable, Hashable {
    public var name: String
    public var context: KubeconfigContext
}
