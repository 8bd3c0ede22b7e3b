/// `VolumeAttachment.status`, written by the attacher (here: whoever plays the CSI driver).
public struct VolumeAttachmentStatus: Codable, Sendable, Hashable {
    public var attached: Bool
    public var attachmentMetadata: [String: String]?
    public var attachError: VolumeError?
    public var detachError: VolumeError?

    public init(attached: Bool) {
        self.attached = attached
    }
}
