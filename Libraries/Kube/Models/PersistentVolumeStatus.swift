/// `PersistentVolume.status`: `Available`, `Bound`, `Released`, `Failed`.
public struct PersistentVolumeStatus: Codable, Sendable, Hashable {
    public var phase: String?
    public var reason: String?
    public var message: String?

    public init(phase: String? = nil) {
        self.phase = phase
    }
}
