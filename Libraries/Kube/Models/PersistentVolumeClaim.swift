/// core/v1 PersistentVolumeClaim.
public struct PersistentVolumeClaim: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(group: "", version: "v1", plural: "persistentvolumeclaims", kind: "PersistentVolumeClaim", namespaced: true)
    public var metadata = ObjectMeta()
    public var spec: PersistentVolumeClaimSpec?
    public var status: PersistentVolumeClaimStatus?
    public var preserved: PreservedJSON?

    enum CodingKeys: String, CodingKey { case metadata, spec, status }

    public init() {}
}
