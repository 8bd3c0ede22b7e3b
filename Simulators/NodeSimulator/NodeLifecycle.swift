/// The health of a simulated node, as an explicit state machine. Faults other than the driver pod
/// are exclusive: a node is in one of these states; `driverPodDown` is orthogonal and tracked
/// beside it (see ``NodeRecord``).
///
/// ```
/// healthy ──kubelet-down──▶ kubeletDown ──recover──▶ healthy
/// healthy|kubeletDown ──interface-down──▶ interfaceDown ──recover──▶ healthy
/// any ──reboot──▶ rebooting ──recover (boot, new boot ID)──▶ healthy
/// ```
public enum NodeLifecycle: String, Sendable, Hashable, Codable {
    case healthy
    case kubeletDown = "kubelet-down"
    case interfaceDown = "interface-down"
    case rebooting

    /// Whether the kubelet talks to the apiserver (heartbeats, pod status, volume operations).
    public var kubeletRunning: Bool { self == .healthy }
    /// Whether the pods' containers still run (and write).
    public var containersRunning: Bool { self != .rebooting }
    /// Whether the node reaches its arrays.
    public var pathsUp: Bool { self == .healthy || self == .kubeletDown }

    /// What a fault does to this state: the next state, or nil when it does not apply.
    public func injecting(_ fault: NodeFault) -> NodeLifecycle? {
        switch (self, fault) {
        case (.healthy, .kubeletDown): .kubeletDown
        case (.healthy, .interfaceDown), (.kubeletDown, .interfaceDown): .interfaceDown
        case (.rebooting, .reboot): nil
        case (_, .reboot): .rebooting
        default: nil
        }
    }

    /// What recovering from `fault` does: back to healthy from that fault's state, else nil.
    public func recovering(_ fault: NodeFault) -> NodeLifecycle? {
        switch (self, fault) {
        case (.kubeletDown, .kubeletDown), (.interfaceDown, .interfaceDown), (.rebooting, .reboot): .healthy
        default: nil
        }
    }
}
