/// `PersistentVolume.spec.csi`.
public struct CSIPersistentVolumeSource: Codable, Sendable, Hashable {
    public var driver: String
    public var volumeHandle: String
    public var readOnly: Bool?
    public var fsType: String?
    public var volumeAttributes: [String: String]?

    public init(driver: String, volumeHandle: String, fsType: String? = nil, volumeAttributes: [String: String]? = nil) {
        self.driver = driver
        self.volumeHandle = volumeHandle
        self.fsType = fsType
        self.volumeAttributes = volumeAttributes
    }
}
