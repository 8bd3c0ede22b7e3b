/// storage.k8s.io/v1 StorageClass: the CSI driver that provisions a claim's volume (the
/// StatefulCluster controller labels pods by it), and the simulator's class per family.
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
