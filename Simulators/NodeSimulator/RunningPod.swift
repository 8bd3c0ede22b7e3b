import ArrayFamily
import Foundation

/// What a simulated kubelet knows about a pod it started: its containers and the volumes it
/// staged and published on this node.
struct RunningPod: Sendable, Hashable {
    var uid: String
    var namespace: String
    var name: String
    var containers: [RunningContainer]
    var volumes: [PublishedVolume]
    var podIP: String
    var startedAt: Date
    var isDriverPod: Bool
    /// Writes the array accepted / refused (a zombie's writes after fencing are refused).
    var acceptedWrites = 0
    var refusedWrites = 0
}

/// One container of a running pod (its CRI-style id).
struct RunningContainer: Sendable, Hashable {
    var name: String
    var image: String
    var id: String
}

/// A volume a kubelet staged and published for a pod.
struct PublishedVolume: Sendable, Hashable {
    var family: ArrayFamilyID
    var driver: String
    var pvName: String
    var handle: String
    var targetPath: String
    var stagingPath: String?
    var isBlock: Bool

    /// How kubelet names a CSI volume in `node.status.volumesInUse`.
    var uniqueName: String { "kubernetes.io/csi/\(driver)^\(handle)" }
}
