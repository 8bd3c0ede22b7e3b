import Kube

/// A `ClusterLookup` over plain values: what the projector's table tests (and anything else
/// without informers) project from.
public struct ClusterSnapshot: ClusterLookup, Sendable {
    public var claims: [WatchedClaim]
    public var volumes: [WatchedVolume]
    public var attachments: [WatchedAttachment]
    public var driverPods: [WatchedPod]

    public init(claims: [WatchedClaim] = [], volumes: [WatchedVolume] = [], attachments: [WatchedAttachment] = [],
                driverPods: [WatchedPod] = []) {
        self.claims = claims
        self.volumes = volumes
        self.attachments = attachments
        self.driverPods = driverPods
    }

    public func claim(namespace: String, name: String) -> WatchedClaim? {
        claims.first { $0.metadata.namespace == namespace && $0.name == name }
    }

    public func volume(named name: String) -> WatchedVolume? {
        volumes.first { $0.name == name }
    }

    public func attachments(ofVolume volume: String, onNode node: String) -> [WatchedAttachment] {
        attachments.filter { $0.persistentVolumeName == volume && $0.nodeName == node }.sorted { $0.name < $1.name }
    }

    public func driverPods(onNode node: String) -> [WatchedPod] {
        driverPods.filter { $0.nodeName == node }.sorted { $0.key < $1.key }
    }
}
