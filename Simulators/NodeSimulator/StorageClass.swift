public import Kube

/// storage.k8s.io/v1 StorageClass (not modelled by Kube yet): the simulator makes one per family,
/// `Immediate` binding, so static PVs and claims of that class bind without a provisioner.
public struct StorageClass: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(group: "storage.k8s.io", version: "v1", plural: "storageclasses",
                                                    kind: "StorageClass", namespaced: false)
    public var metadata = ObjectMeta()
    public var provisioner: String = ""
    public var volumeBindingMode: String?
    public var reclaimPolicy: String?
    public var preserved: PreservedJSON?

    enum CodingKeys: String, CodingKey { case metadata, provisioner, volumeBindingMode, reclaimPolicy }

    public init() {}
}
