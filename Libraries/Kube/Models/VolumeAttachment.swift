/// storage.k8s.io/v1 VolumeAttachment: a CSI volume attached (or to be attached) to a node.
public struct VolumeAttachment: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(group: "storage.k8s.io", version: "v1", plural: "volumeattachments", kind: "VolumeAttachment", namespaced: false)
    public var metadata = ObjectMeta()
    public var spec: VolumeAttachmentSpec?
    public var status: VolumeAttachmentStatus?
    public var preserved: PreservedJSON?

    enum CodingKeys: String, CodingKey { case metadata, spec, status }

    public init() {}
}
