/// `PersistentVolume.spec`: capacity, access modes, claim, and the CSI source podguard fences.
public struct PersistentVolumeSpec: Codable, Sendable, Hashable {
    public var capacity: [String: String]?
    public var accessModes: [String]?
    /// `Filesystem` (default) or `Block`.
    public var volumeMode: String?
    public var claimRef: ObjectReference?
    public var persistentVolumeReclaimPolicy: String?
    public var storageClassName: String?
    public var csi: CSIPersistentVolumeSource?

    public init(capacity: [String: String]? = nil, accessModes: [String]? = nil, csi: CSIPersistentVolumeSource? = nil) {
        self.capacity = capacity
        self.accessModes = accessModes
        self.csi = csi
    }
}
