import Foundation
import Kube
import WatcherService

/// Small builders of watched objects for the projector's tables.
enum Fixture {
    static let namespace = "db"
    static let time = Date(timeIntervalSince1970: 1_800_000_000)

    static func node(_ name: String, uid: String? = nil, ready: String? = "True", taints: [Taint] = [], bootID: String = "boot-1",
                     nodeIDs: String? = nil, labels: [String: String] = [:], ip: String? = "10.0.0.1", rv: String = "1") -> WatchedNode {
        var node = WatchedNode(name: name)
        node.metadata.uid = uid ?? "uid-\(name)"
        node.metadata.resourceVersion = rv
        node.metadata.labels = labels
        node.metadata.annotations = nodeIDs.map { [NodeProjection.csiNodeIDAnnotation: $0] }
        node.spec = WatchedNode.Spec(taints: taints)
        node.status = WatchedNode.Status(
            conditions: ready.map { [NodeCondition(type: "Ready", status: $0, reason: "KubeletReady", lastTransitionTime: time)] },
            addresses: ip.map { [NodeAddress(type: "InternalIP", address: $0)] }, bootID: bootID)
        return node
    }

    static func pod(_ name: String, namespace: String = namespace, node: String? = "w1", ready: String? = "True",
                    claims: [String] = [], labels: [String: String] = ["podmon.dellemc.com/driver": "csi-vxflexos"],
                    containers: [ContainerStatus] = [], rv: String = "1") -> WatchedPod {
        var pod = WatchedPod(name: name, namespace: namespace)
        pod.metadata.uid = "uid-\(name)"
        pod.metadata.resourceVersion = rv
        pod.metadata.labels = labels
        pod.spec = WatchedPod.Spec(nodeName: node, volumes: claims.map {
            Volume(name: "vol-\($0)", persistentVolumeClaim: PersistentVolumeClaimVolumeSource(claimName: $0))
        })
        pod.status = WatchedPod.Status(phase: "Running",
                                       conditions: ready.map { [PodCondition(type: "Ready", status: $0, lastTransitionTime: time)] },
                                       containerStatuses: containers, hostIP: "10.0.0.1", podIP: "10.1.0.5")
        return pod
    }

    static func claim(_ name: String, namespace: String = namespace, volume: String?, phase: String = "Bound",
                      modes: [String] = ["ReadWriteOnce"]) -> WatchedClaim {
        var claim = WatchedClaim(name: name, namespace: namespace)
        claim.metadata.uid = "uid-claim-\(name)"
        claim.spec = WatchedClaim.Spec(volumeName: volume, accessModes: modes)
        claim.status = WatchedClaim.Status(phase: phase)
        return claim
    }

    static func volume(_ name: String, driver: String = "csi-vxflexos.dellemc.com", handle: String = "14dbbf5617523654-3456",
                       modes: [String] = ["ReadWriteOnce"], mode: String? = nil, claim: String? = nil) -> WatchedVolume {
        var volume = WatchedVolume(name: name)
        volume.metadata.uid = "uid-pv-\(name)"
        volume.spec = WatchedVolume.Spec(accessModes: modes, volumeMode: mode,
                                         claimRef: claim.map { VolumeProjection.ClaimReference(namespace: namespace, name: $0) },
                                         csi: VolumeProjection.CSI(driver: driver, volumeHandle: handle))
        return volume
    }

    static func attachment(_ name: String, volume: String, node: String, attached: Bool) -> WatchedAttachment {
        var attachment = WatchedAttachment(name: name)
        attachment.spec = WatchedAttachment.Spec(attacher: "csi-vxflexos.dellemc.com", persistentVolumeName: volume, nodeName: node)
        attachment.status = WatchedAttachment.Status(attached: attached)
        return attachment
    }

    static func driverPod(_ name: String, namespace: String = "vxflexos", node: String, ready: String) -> WatchedPod {
        var pod = pod(name, namespace: namespace, node: node, ready: ready, labels: ["driver.dellemc.com": "dell-storage"])
        pod.metadata.uid = "uid-\(name)"
        return pod
    }
}
