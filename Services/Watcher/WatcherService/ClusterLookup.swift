/// The lookups the projector needs besides the object it projects. Implemented over the
/// informers' caches in the service (`ClusterInformers`) and over plain dictionaries in tests
/// (`ClusterSnapshot`), so the projection itself stays pure.
public protocol ClusterLookup {
    func claim(namespace: String, name: String) -> WatchedClaim?
    func volume(named name: String) -> WatchedVolume?
    /// VolumeAttachments of a PersistentVolume to a node (normally at most one).
    func attachments(ofVolume volume: String, onNode node: String) -> [WatchedAttachment]
    /// CSI driver node pods scheduled on a node.
    func driverPods(onNode node: String) -> [WatchedPod]
}
