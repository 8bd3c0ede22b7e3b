/// `PersistentVolumeClaim.spec`.
public struct PersistentVolumeClaimSpec: Codable, Sendable, Hashable {
    public var accessModes: [String]?
    public var resources: ResourceRequirements?
    public var volumeName: String?
    public var storageClassName: String?
    public var volumeMode: String?

    public init(accessModes: [String]? = nil, resources: ResourceRequirements? = nil, volumeName: String? = nil, storageClassName: String? = nil) {
        self.accessModes = accessModes
        self.resources = resources
        self.volumeName = volumeName
        self.storageClassName = storageClassName
    }
}
