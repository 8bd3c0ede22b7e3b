public import Contracts
public import CRI

/// `ContainerRuntime` over the node's CRI runtime (containerd, CRI-O): `ListContainers` through a
/// `CRIClient`, each container's pod read from the kubelet's labels.
public struct CRIContainerRuntime: ContainerRuntime {
    public let client: CRIClient

    public init(client: CRIClient) {
        self.client = client
    }

    /// Throws `CRIError`, which the handler maps by its kind.
    public func listContainers(podUIDs: [String], deadline: Duration) async throws -> [Podguard_V1_ContainerInfo] {
        try await client.containers(ofPods: podUIDs, deadline: deadline).map(Self.contract)
    }

    /// A listed container in the contract's terms.
    public static func contract(_ container: PodContainer) -> Podguard_V1_ContainerInfo {
        var info = Podguard_V1_ContainerInfo()
        info.containerID = container.id
        info.podUid = container.podUID
        info.podNamespace = container.podNamespace
        info.podName = container.podName
        info.containerName = container.containerName
        info.state = switch container.state {
        case .created: .created
        case .running: .running
        case .exited: .exited
        case .unknown: .unknown
        }
        return info
    }
}
