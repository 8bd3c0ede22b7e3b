/// A fault a simulated node can suffer; recovering from it is the matching `recover`.
public enum NodeFault: String, Sendable, Hashable, CaseIterable, Codable {
    /// The kubelet stops: no heartbeats, no Lease renewals, no pod work; containers keep running
    /// (zombies, still writing).
    case kubeletDown = "kubelet-down"
    /// The node's network goes: heartbeats stop and its paths to every array drop (writes refused);
    /// containers keep running.
    case interfaceDown = "interface-down"
    /// The node goes down: containers and mounts gone, no heartbeats; recovering boots it with a
    /// new boot ID.
    case reboot
    /// The CSI driver's node pod of every family turns NotReady and its node plugin stops serving.
    case driverPodDown = "driver-pod-down"
}
