public import Kube

/// storage.k8s.io/v1 CSIDriver (not modelled by Kube yet): `attachRequired: true` makes the
/// attach/detach controller create VolumeAttachments for the driver's volumes.
public struct CSIDriverObject: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(group: "storage.k8s.io", version: "v1", plural: "csidrivers",
                                                    kind: "CSIDriver", namespaced: false)
    public var metadata = ObjectMeta()
    public var spec: JSONValue?
    public var preserved: PreservedJSON?

    enum CodingKeys: String, CodingKey { case metadata, spec }

    public init() {}
}
