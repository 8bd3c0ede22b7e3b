/// `VolumeAttachment.spec.source` (inline volume specs are preserved raw).
public struct VolumeAttachmentSource: Codable, Sendable, Hashable {
    public var persistentVolumeName: String?

    public init(persistentVolumeName: String? = nil) {
        self.persistentVolumeName = persistentVolumeName
    }
}
