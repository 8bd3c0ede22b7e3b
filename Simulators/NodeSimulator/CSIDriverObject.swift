public import Kube

/// storage.k8s.io/v1 CSIDriver (not modelled by Kube), spec kept as JSON: `attachRequired: true`
/// makes the attach/detach controller create VolumeAttachments for the driver's volumes.
public enum CSIDriverKind: JSONSpecKind {
    public static let resource = ResourceDescriptor(group: "storage.k8s.io", version: "v1", plural: "csidrivers",
                                                    kind: "CSIDriver", namespaced: false)
}

public typealias CSIDriverObject = JSONSpecObject<CSIDriverKind>
