/// `users[]` of a kubeconfig.
public struct KubeconfigNamedUser: Codable, Sendable, Hashable {
    public var name: String
    public var user: KubeconfigUser
}
