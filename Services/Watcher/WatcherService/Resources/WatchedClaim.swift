import Kube

/// The fields of a core/v1 PersistentVolumeClaim the watcher projects (see `WatchedPod`).
public typealias WatchedClaim = Projected<ClaimProjection>

public enum ClaimProjection: ProjectionShape {
    public static let resource = PersistentVolumeClaim.resource

    /// `spec`: the bound volume, access modes, volume mode.
    public struct Spec: Codable, Sendable, Hashable {
        public var volumeName: String?
        public var accessModes: [String]?
        public var volumeMode: String?

        public init(volumeName: String? = nil, accessModes: [String]? = nil, volumeMode: String? = nil) {
            self.volumeName = volumeName
            self.accessModes = accessModes
            self.volumeMode = volumeMode
        }
    }

    /// `status.phase`: `Pending`, `Bound` or `Lost`.
    public struct Status: Codable, Sendable, Hashable {
        public var phase: String?

        public init(phase: String? = nil) {
            self.phase = phase
        }
    }
}
