import Kube

/// The fields of a storage.k8s.io/v1 VolumeAttachment the watcher projects (see `WatchedPod`).
public typealias WatchedAttachment = Projected<AttachmentProjection>

public enum AttachmentProjection: ProjectionShape {
    public static let resource = VolumeAttachment.resource

    /// `spec`: attacher (the CSI driver), the PV and the node.
    public struct Spec: Codable, Sendable, Hashable {
        public var attacher: String?
        public var nodeName: String?
        public var source: Source?

        public init(attacher: String? = nil, persistentVolumeName: String? = nil, nodeName: String? = nil) {
            self.attacher = attacher
            self.nodeName = nodeName
            self.source = Source(persistentVolumeName: persistentVolumeName)
        }
    }

    /// `spec.source` (inline volumes are not podguard's concern).
    public struct Source: Codable, Sendable, Hashable {
        public var persistentVolumeName: String?

        public init(persistentVolumeName: String? = nil) {
            self.persistentVolumeName = persistentVolumeName
        }
    }

    /// `status.attached`.
    public struct Status: Codable, Sendable, Hashable {
        public var attached: Bool?

        public init(attached: Bool? = nil) {
            self.attached = attached
        }
    }
}

extension WatchedAttachment {
    public var persistentVolumeName: String? { spec?.source?.persistentVolumeName }
    public var nodeName: String? { spec?.nodeName }
}
