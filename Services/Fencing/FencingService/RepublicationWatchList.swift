import Contracts

/// The volumes that must stay cut off from their fenced node: those of every remediation that
/// deleted its pod (POD_DELETED) and whose node node-cleanup has not cleaned yet. Pure.
///
/// The attach/detach controller may re-create a VolumeAttachment for a pod it still believes on
/// the node (from a stale cache after an API-server restart, or in the moment between the
/// attachments' delete and the pod's), and the external attacher then publishes the volume to the
/// fenced node again: a fence the attacher undoes is no fence. `RepublicationGuard` looks for such
/// attachments while this list is not empty.
public struct RepublicationWatchList: Sendable {
    /// One fenced volume on its node.
    public struct Fenced: Sendable, Hashable {
        public var fenceKey: String
        public var node: String
        public var volume: Podguard_V1_FenceVolume
        public var csiNodeID: String
        public var fenceID: String
        public var pod: String
    }

    /// A VolumeAttachment as far as this check needs it.
    public struct Attachment: Sendable, Hashable {
        public var name: String
        public var node: String
        public var persistentVolume: String

        public init(name: String, node: String, persistentVolume: String) {
            self.name = name
            self.node = node
            self.persistentVolume = persistentVolume
        }
    }

    private var byRecord: [String: [Fenced]] = [:]

    public init() {}

    public var isEmpty: Bool { byRecord.isEmpty }
    public var count: Int { byRecord.values.reduce(0) { $0 + $1.count } }

    /// Follows one FenceRecord (nil: deleted from the bucket).
    public mutating func update(fenceKey: String, record: Podguard_V1_FenceRecord?) {
        guard let record, Self.guarded(record) else {
            byRecord[fenceKey] = nil
            return
        }
        let request = record.request
        byRecord[fenceKey] = request.volumes.map { volume in
            Fenced(fenceKey: fenceKey, node: record.nodeName, volume: volume, csiNodeID: request.csiNodeIds[volume.driver] ?? "",
                   fenceID: record.fenceID, pod: "\(record.pod.namespace)/\(record.pod.name)")
        }
    }

    /// The fenced volumes an attachment publishes to their fenced node again.
    public func republished(_ attachments: [Attachment]) -> [(attachment: Attachment, fenced: Fenced)] {
        var wanted: [String: [Fenced]] = [:]
        for fenced in byRecord.values.joined() { wanted["\(fenced.node)|\(fenced.volume.pvName)", default: []].append(fenced) }
        return attachments.flatMap { attachment in
            (wanted["\(attachment.node)|\(attachment.persistentVolume)"] ?? []).map { (attachment, $0) }
        }
    }

    /// The pod was deleted by the remediation and its old node is not clean yet.
    static func guarded(_ record: Podguard_V1_FenceRecord) -> Bool {
        record.phase == .podDeleted && !record.dryRun && !record.nodeCleanup.cleaned
            && record.request.reason != .crashLoopBackOff && !record.request.volumes.isEmpty
    }
}
