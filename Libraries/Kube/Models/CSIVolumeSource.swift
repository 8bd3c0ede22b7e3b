/// `volumes[].csi`: an inline (ephemeral) CSI volume.
public struct CSIVolumeSource: Codable, Sendable, Hashable {
    public var driver: String
    public var readOnly: Bool?
    public var fsType: String?
    public var volumeAttributes: [String: String]?

    public init(driver: String) {
        self.driver = driver
    }
}
