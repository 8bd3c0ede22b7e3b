import Kube

/// The fields of a core/v1 PersistentVolumeClaim the watcher projects (see `WatchedPod`).
public struct WatchedClaim: ReadOnlyProjection, Hashable {
    public static let resource = PersistentVolumeClaim.resource
    public var metadata = ObjectMeta()
    public var spec: Spec?
    public var status: Status?

    enum CodingKeys: String, CodingKey { case metadata, spec, status }

    public init() {}

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try container.projectedMetadata(forKey: .metadata)
        spec = try container.decodeIfPresent(Spec.self, forKey: .spec)
        status = try container.decodeIfPresent(Status.self, forKey: .status)
    }

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
