import ArrayFamily
import CSISimulator
import Kube
import Logging

/// What every simulated node and the attacher share: the apiserver client, the watched caches,
/// the family backends and the configuration.
struct ClusterContext: Sendable {
    let client: KubeClient
    let configuration: SimulatedClusterConfiguration
    let pods: Informer<Pod>
    let attachments: Informer<VolumeAttachment>
    let backends: [ArrayFamilyID: CSIClusterSimulator]
    /// Where the CSI sockets of the families and each node's CRI socket live.
    let socketDirectory: String
    let logger: Logger

    /// The family whose CSI driver is `driver`, if simulated.
    func family(driver: String) -> ArrayFamilyID? {
        backends.first { $0.value.family.csiDriverName == driver }?.key
    }

    /// Label marking a simulated CSI driver node pod, valued with the node's name.
    static let driverPodNodeLabel = "podguard.io/simulated-driver-node"
}
