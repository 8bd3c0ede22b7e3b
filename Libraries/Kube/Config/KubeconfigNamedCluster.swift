/// `clusters[]` of a kubeconfig.
public struct KubeconfigNamedCluster: Codable, Sendable, Hashable {
    public var name: String
    public var cluster: KubeconfigCluster
}
