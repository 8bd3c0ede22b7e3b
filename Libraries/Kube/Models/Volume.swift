/// A pod volume. podguard cares about PVC-backed and inline CSI volumes; other sources are
/// preserved raw.
public struct Volume: Codable, Sendable, Hashable {
    public var name: String
    public var persistentVolumeClaim: PersistentVolumeClaimVolumeSource?
    public var csi: CSIVolumeSource?

    public init(name: String, persistentVolumeClaim: PersistentVolumeClaimVolumeSource? = nil, csi: CSIVolumeSource? = nil) {
        self.name = name
        self.persistentVolumeClaim = persistentVolumeClaim
        self.csi = csi
    }
}
