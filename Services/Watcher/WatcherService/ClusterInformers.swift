import Kube
import Logging

/// The watcher's six caches of Kubernetes, each a watched informer with the indexes the
/// projection and the dependency lookups need, so no event costs a scan of a whole cache.
public final class ClusterInformers: Sendable {
    public let pods: Informer<WatchedPod>
    public let nodes: Informer<WatchedNode>
    public let claims: Informer<WatchedClaim>
    public let volumes: Informer<WatchedVolume>
    public let attachments: Informer<WatchedAttachment>
    public let driverPods: Informer<WatchedPod>

    /// How many informers report `.synced` before the caches are complete.
    public static let count = 6

    public init(client: KubeClient, settings: WatcherSettings) {
        let timeout = Int(max(1, settings.watchTimeout.components.seconds))
        pods = Informer(client: client, WatchedPod.self, labelSelector: settings.protectedPodSelector,
                        indexes: [Self.podsByClaim], watchTimeoutSeconds: timeout, pageSize: settings.pageSize,
                        reportsInitialList: false)
        nodes = Informer(client: client, WatchedNode.self, watchTimeoutSeconds: timeout, pageSize: settings.pageSize,
                        reportsInitialList: false)
        claims = Informer(client: client, WatchedClaim.self, indexes: [Self.claimsByVolume], watchTimeoutSeconds: timeout,
                          pageSize: settings.pageSize,
                        reportsInitialList: false)
        volumes = Informer(client: client, WatchedVolume.self, watchTimeoutSeconds: timeout, pageSize: settings.pageSize,
                        reportsInitialList: false)
        attachments = Informer(client: client, WatchedAttachment.self, indexes: [Self.attachmentsByVolumeAndNode],
                               watchTimeoutSeconds: timeout, pageSize: settings.pageSize,
                        reportsInitialList: false)
        driverPods = Informer(client: client, WatchedPod.self, labelSelector: settings.driverPods.labelSelector,
                              indexes: [Self.podsByNode], watchTimeoutSeconds: timeout, pageSize: settings.pageSize,
                        reportsInitialList: false)
    }

    /// Whether every cache holds its initial list.
    public var allSynced: Bool {
        pods.hasSynced && nodes.hasSynced && claims.hasSynced && volumes.hasSynced && attachments.hasSynced && driverPods.hasSynced
    }

    // MARK: Indexes

    /// Pods by the claims they mount, as `<namespace>/<claim>`.
    static let podsByClaim = InformerIndex<WatchedPod>(name: "claim") { pod in
        (pod.spec?.volumes ?? []).compactMap { volume in
            volume.persistentVolumeClaim.map { "\(pod.namespace ?? "")/\($0.claimName)" }
        }
    }

    /// Driver node pods by node.
    static let podsByNode = InformerIndex<WatchedPod>(name: "nodeName") { pod in
        pod.nodeName.map { [$0] } ?? []
    }

    /// Claims by the PersistentVolume they are bound to.
    static let claimsByVolume = InformerIndex<WatchedClaim>(name: "volumeName") { claim in
        claim.spec?.volumeName.flatMap { $0.isEmpty ? nil : [$0] } ?? []
    }

    /// VolumeAttachments by `<pv>|<node>` (`|` occurs in neither name).
    static let attachmentsByVolumeAndNode = InformerIndex<WatchedAttachment>(name: "volumeNode") { attachment in
        guard let volume = attachment.persistentVolumeName, let node = attachment.nodeName else { return [] }
        return [volumeNodeKey(volume, node)]
    }

    static func volumeNodeKey(_ volume: String, _ node: String) -> String { "\(volume)|\(node)" }
}

extension ClusterInformers: ClusterLookup {
    public func claim(namespace: String, name: String) -> WatchedClaim? {
        claims.get(name: name, namespace: namespace)
    }

    public func volume(named name: String) -> WatchedVolume? {
        volumes.get(name: name)
    }

    public func attachments(ofVolume volume: String, onNode node: String) -> [WatchedAttachment] {
        attachments.objects(index: Self.attachmentsByVolumeAndNode.name, value: Self.volumeNodeKey(volume, node))
    }

    public func driverPods(onNode node: String) -> [WatchedPod] {
        driverPods.objects(index: Self.podsByNode.name, value: node)
    }
}
