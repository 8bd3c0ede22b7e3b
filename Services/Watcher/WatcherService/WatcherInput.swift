import Kube

/// Everything the watcher's event task reacts to, in arrival order.
enum WatcherInput: Sendable {
    case pod(InformerEvent<WatchedPod>)
    case node(InformerEvent<WatchedNode>)
    case claim(InformerEvent<WatchedClaim>)
    case volume(InformerEvent<WatchedVolume>)
    case attachment(InformerEvent<WatchedAttachment>)
    case driverPod(InformerEvent<WatchedPod>)
    case leadership(LeadershipChange)
    /// Time to check whether a reconcile is due (periodic, or a repair after a failed write).
    case tick
}
