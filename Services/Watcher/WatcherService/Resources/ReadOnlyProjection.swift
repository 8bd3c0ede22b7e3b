public import Kube

/// A kind the watcher only reads, decoded into the few fields it projects (`WatchedPod`,
/// `WatchedNode`, `WatchedClaim`, `WatchedVolume`, `WatchedAttachment`): the informers keep every
/// object, so neither the raw JSON the client would attach (`preserved`) nor metadata nothing reads
/// is kept.
public protocol ReadOnlyProjection: KubeResource {}

extension ReadOnlyProjection {
    public static var keepsRawJSON: Bool { false }

    /// Always nil: the setter discards the raw JSON the client attaches to decoded objects.
    public var preserved: PreservedJSON? {
        get { nil }
        set {}
    }
}

extension KeyedDecodingContainer {
    /// The object's metadata without what no projection reads: annotations (they can be large:
    /// last-applied-configuration), finalizers and, unless `keepLabels`, labels.
    func projectedMetadata(forKey key: Key, keepLabels: Bool = false) throws -> ObjectMeta {
        var metadata = try decodeIfPresent(ObjectMeta.self, forKey: key) ?? ObjectMeta()
        metadata.annotations = nil
        metadata.finalizers = nil
        if !keepLabels { metadata.labels = nil }
        return metadata
    }
}
