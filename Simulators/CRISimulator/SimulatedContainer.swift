public import CRI

/// A container the simulated runtime reports: what a node simulator knows about a container it
/// "runs". The kubelet's labels are derived from the pod fields.
public struct SimulatedContainer: Sendable, Hashable {
    public var id: String
    public var podUID: String
    public var podName: String
    public var podNamespace: String
    public var containerName: String
    public var state: CRIContainerState
    /// Creation time, nanoseconds since the Unix epoch.
    public var createdAtNanoseconds: Int64
    public var attempt: UInt32
    public var image: String
    /// The pod sandbox; derived from the pod uid when empty.
    public var podSandboxID: String
    /// Labels beside the kubelet's four.
    public var extraLabels: [String: String]

    public init(id: String, podUID: String, podName: String, podNamespace: String = "default",
                containerName: String, state: CRIContainerState = .running, createdAtNanoseconds: Int64 = 0,
                attempt: UInt32 = 0, image: String = "registry.local/app:1", podSandboxID: String = "",
                extraLabels: [String: String] = [:]) {
        self.id = id
        self.podUID = podUID
        self.podName = podName
        self.podNamespace = podNamespace
        self.containerName = containerName
        self.state = state
        self.createdAtNanoseconds = createdAtNanoseconds
        self.attempt = attempt
        self.image = image
        self.podSandboxID = podSandboxID.isEmpty ? "sandbox-\(podUID)" : podSandboxID
        self.extraLabels = extraLabels
    }

    /// The labels a kubelet would have set, plus the extra ones.
    public var labels: [String: String] {
        extraLabels.merging([
            KubeletLabels.podUID: podUID,
            KubeletLabels.podName: podName,
            KubeletLabels.podNamespace: podNamespace,
            KubeletLabels.containerName: containerName,
        ]) { _, kubelet in kubelet }
    }

    /// As `ListContainers` reports it.
    public var wire: Runtime_V1_Container {
        var container = Runtime_V1_Container()
        container.id = id
        container.podSandboxID = podSandboxID
        container.metadata.name = containerName
        container.metadata.attempt = attempt
        container.image.image = image
        container.imageRef = "sha256:" + String(repeating: "0", count: 64)
        container.state = state.wire
        container.createdAt = createdAtNanoseconds
        container.labels = labels
        container.annotations = ["io.kubernetes.container.restartCount": "\(attempt)"]
        return container
    }
}
