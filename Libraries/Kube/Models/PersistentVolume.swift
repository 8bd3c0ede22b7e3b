/// core/v1 PersistentVolume.
public struct PersistentVolume: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(group: "", version: "v1", plural: "persistentvolumes", kind: "PersistentVolume", namespaced: false)
    public var metadata = ObjectMeta()
    public var spec: PersistentVolumeSpec?
    public var status: PersistentVolumeStatus?
    public var preserved: PreservedJSON?

    enum CodingKeys: String, CodingKey { case metadata, spec, status }

    public init() {}
}
