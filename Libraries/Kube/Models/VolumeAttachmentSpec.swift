/// `VolumeAttachment.spec`: the CSI driver (`attacher`), the PV and the node.
public struct VolumeAttachmentSpec: Codable, Sendable, Hashable {
    public var attacher: String
    public var source: VolumeAttachmentSource
    public var nodeName: String

    public init(attacher: String, persistentVolumeName: String, nodeName: String) {
        self.attacher = attacher
        self.source = VolumeAttachmentSource(persistentVolumeName: persistentVolumeName)
        self.nodeName = nodeName
    }
}
