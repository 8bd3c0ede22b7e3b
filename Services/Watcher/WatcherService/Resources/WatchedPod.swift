import Kube

/// The fields of a core/v1 Pod the watcher projects, and nothing else.
///
/// The informer keeps every object it watches; the library's `Pod` keeps the whole raw JSON too
/// (for lossless writes), which at 30,000 pods would cost most of the memory budget. The watcher
/// never writes a pod, so it decodes only what it reads and drops the raw JSON (see `preserved`).
public typealias WatchedPod = Projected<PodProjection>

public enum PodProjection: ProjectionShape {
    public static let resource = Pod.resource
    /// Keeps the labels; of the owner references only the controller's kind and name are read.
    public static func trim(_ metadata: inout ObjectMeta) {
        metadata.annotations = nil
        metadata.finalizers = nil
        metadata.ownerReferences = metadata.ownerReferences?.filter { $0.controller == true }.map { owner in
            OwnerReference(apiVersion: "", kind: owner.kind, name: owner.name, uid: "", controller: true)
        }
    }

    public static func trim(_ status: inout Status) { status.trimToWhatIsRead() }

    /// `spec`: the node, the volumes and the pod affinity.
    public struct Spec: Codable, Sendable, Hashable {
        public var nodeName: String?
        public var volumes: [Volume]?
        public var affinity: Affinity?

        public init(nodeName: String? = nil, volumes: [Volume]? = nil, affinity: Affinity? = nil) {
            self.nodeName = nodeName
            self.volumes = volumes
            self.affinity = affinity
        }
    }

    /// `status`: phase, conditions, container states and addresses.
    public struct Status: Codable, Sendable, Hashable {
        public var phase: String?
        public var conditions: [PodCondition]?
        public var initContainerStatuses: [ContainerStatus]?
        public var containerStatuses: [ContainerStatus]?
        public var hostIP: String?
        public var podIP: String?

        public init(phase: String? = nil, conditions: [PodCondition]? = nil, initContainerStatuses: [ContainerStatus]? = nil,
                    containerStatuses: [ContainerStatus]? = nil, hostIP: String? = nil, podIP: String? = nil) {
            self.phase = phase
            self.conditions = conditions
            self.initContainerStatuses = initContainerStatuses
            self.containerStatuses = containerStatuses
            self.hostIP = hostIP
            self.podIP = podIP
        }
    }
}

extension PodProjection.Status {
    /// Keeps what the projection reads: the Ready condition (status, reason, transition time) and each
    /// container's name, id, state, ready flag and restart count. At 30,000 pods the other
    /// conditions, images and last states are tens of megabytes nobody reads.
    mutating func trimToWhatIsRead() {
        conditions = conditions?.filter { $0.type == "Ready" }.map { condition in
            PodCondition(type: condition.type, status: condition.status, reason: condition.reason,
                         lastTransitionTime: condition.lastTransitionTime)
        }
        initContainerStatuses = initContainerStatuses?.map(Self.trimmed)
        containerStatuses = containerStatuses?.map(Self.trimmed)
    }

    private static func trimmed(_ status: ContainerStatus) -> ContainerStatus {
        var state = status.state
        state?.waiting?.message = nil
        state?.terminated?.message = nil
        return ContainerStatus(name: status.name, ready: status.ready, restartCount: status.restartCount, image: "", imageID: "",
                               containerID: status.containerID, state: state)
    }
}

extension WatchedPod {
    public var nodeName: String? { spec?.nodeName }

    /// The `Ready` condition, if the pod has one.
    public var readyCondition: PodCondition? {
        status?.conditions?.first { $0.type == "Ready" }
    }
}
