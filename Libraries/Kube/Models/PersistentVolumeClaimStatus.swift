/// `PersistentVolumeClaim.status`.
public struct PersistentVolumeClaimStatus: Codable, Sendable, Hashable {
    public var phase: String?
    public var accessModes: [String]?
    public var capacity: [String: String]?

    public init(phase: String? = nil) {
        self.phase = phase
    }
}
