import Kube

/// The fields of a core/v1 PersistentVolume the watcher projects (see `WatchedPod`).
public typealias WatchedVolume = Projected<VolumeProjection>

public enum VolumeProjection: ProjectionShape {
    public static let resource = PersistentVolume.resource
    /// Not read: `status` decodes into nothing.
    public typealias Status = NoStatus

    /// `spec`: access modes, volume mode, claim and CSI source.
    public struct Spec: Codable, Sendable, Hashable {
        public var accessModes: [String]?
        public var volumeMode: String?
        public var claimRef: ClaimReference?
        public var csi: CSI?

        public init(accessModes: [String]? = nil, volumeMode: String? = nil, claimRef: ClaimReference? = nil, csi: CSI? = nil) {
            self.accessModes = accessModes
            self.volumeMode = volumeMode
            self.claimRef = claimRef
            self.csi = csi
        }
    }

    /// `spec.claimRef`: the claim the volume is bound (or reserved) to.
    public struct ClaimReference: Codable, Sendable, Hashable {
        public var namespace: String?
        public var name: String?

        public init(namespace: String?, name: String?) {
            self.namespace = namespace
            self.name = name
        }
    }

    /// `spec.csi`: driver and handle (volume attributes are not read).
    public struct CSI: Codable, Sendable, Hashable {
        public var driver: String
        public var volumeHandle: String

        public init(driver: String, volumeHandle: String) {
            self.driver = driver
            self.volumeHandle = volumeHandle
        }
    }
}
