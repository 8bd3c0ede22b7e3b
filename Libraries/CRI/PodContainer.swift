/// One container of a Kubernetes pod as the runtime lists it, with its pod read from the kubelet's
/// labels. A container without the pod-uid label was not created by a kubelet and has an empty
/// `podUID`.
public struct PodContainer: Sendable, Hashable {
    /// The runtime's container id (without a `containerd://` prefix).
    public var id: String
    public var podSandboxID: String
    public var podUID: String
    public var podName: String
    public var podNamespace: String
    /// The container's name in the pod spec (label, else the CRI metadata name).
    public var containerName: String
    /// Restart count of the container in its sandbox.
    public var attempt: UInt32
    public var state: CRIContainerState
    /// Creation time, in nanoseconds since the Unix epoch.
    public var createdAtNanoseconds: Int64
    public var image: String

    public init(id: String, podSandboxID: String = "", podUID: String, podName: String = "",
                podNamespace: String = "", containerName: String = "", attempt: UInt32 = 0,
                state: CRIContainerState, createdAtNanoseconds: Int64 = 0, image: String = "") {
        self.id = id
        self.podSandboxID = podSandboxID
        self.podUID = podUID
        self.podName = podName
        self.podNamespace = podNamespace
        self.containerName = containerName
        self.attempt = attempt
        self.state = state
        self.createdAtNanoseconds = createdAtNanoseconds
        self.image = image
    }

    /// Reads a listed container.
    public init(_ container: Runtime_V1_Container) {
        let labels = container.labels
        self.init(
            id: container.id, podSandboxID: container.podSandboxID,
            podUID: labels[KubeletLabels.podUID] ?? "",
            podName: labels[KubeletLabels.podName] ?? "",
            podNamespace: labels[KubeletLabels.podNamespace] ?? "",
            containerName: labels[KubeletLabels.containerName] ?? container.metadata.name,
            attempt: container.metadata.attempt,
            state: CRIContainerState(container.state),
            createdAtNanoseconds: container.createdAt,
            image: container.image.image)
    }
}
