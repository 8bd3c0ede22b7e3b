public import Contracts
public import Foundation
public import SwiftProtobuf

/// The volumes that must stay cut off from their fenced node: those of every remediation that
/// deleted its pod (POD_DELETED), until node-cleanup has cleaned the node and a grace period after
/// that has passed. Pure.
///
/// The attach/detach controller may re-create a VolumeAttachment for a pod it still believes on
/// the node (from a stale cache after an API-server restart, or in the moment between the
/// attachments' delete and the pod's), and the external attacher then publishes the volume to the
/// fenced node again: a fence the attacher undoes is no fence. `RepublicationGuard` looks for such
/// attachments while this list is not empty.
///
/// The grace after cleanup exists because a stale re-attach can land in the last moments before
/// node-cleanup records the node clean, too late for the check that ran before; the guard keeps
/// looking for `graceAfterCleanup`. Once the node is clean its taint goes and a new pod of the
/// workload may be scheduled there and attach the volume legitimately, so an attachment found in
/// the grace is cut only when no pod now on that node uses the claim (`Match.afterCleanup`).
public struct RepublicationWatchList: Sendable {
    /// One fenced volume on its node.
    public struct Fenced: Sendable, Hashable {
        public var fenceKey: String
        public var node: String
        public var volume: Podguard_V1_FenceVolume
        public var csiNodeID: String
        public var fenceID: String
        public var pod: String
        /// The remediated pod's namespace and uid (the claim `volume.pvcName` lives in that namespace).
        public var namespace: String
        public var podUID: String
        /// When node-cleanup recorded the node clean of the pod; nil while it has not.
        public var cleanedAt: Date?
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

    /// An attachment that publishes a fenced volume to its fenced node again.
    public struct Match: Sendable, Hashable {
        public var attachment: Attachment
        public var fenced: Fenced
        /// Found in the grace after cleanup: cut only if no pod now on the node uses the claim.
        public var afterCleanup: Bool { fenced.cleanedAt != nil }
    }

    public let graceAfterCleanup: Duration
    private var byRecord: [String: [Fenced]] = [:]

    public init(graceAfterCleanup: Duration) {
        self.graceAfterCleanup = graceAfterCleanup
    }

    public var isEmpty: Bool { byRecord.isEmpty }
    public var count: Int { byRecord.values.reduce(0) { $0 + $1.count } }

    /// Follows one FenceRecord (nil: deleted from the bucket).
    public mutating func update(fenceKey: String, record: Podguard_V1_FenceRecord?) {
        guard let record, Self.watched(record) else {
            byRecord[fenceKey] = nil
            return
        }
        let request = record.request
        let cleanedAt: Date? = record.nodeCleanup.cleaned ? record.nodeCleanup.cleanedAt.date : nil
        byRecord[fenceKey] = request.volumes.map { volume in
            Fenced(fenceKey: fenceKey, node: record.nodeName, volume: volume, csiNodeID: request.csiNodeIds[volume.driver] ?? "",
                   fenceID: record.fenceID, pod: "\(record.pod.namespace)/\(record.pod.name)",
                   namespace: record.pod.namespace, podUID: record.pod.uid, cleanedAt: cleanedAt)
        }
    }

    /// Drops the records whose grace after cleanup has passed.
    public mutating func expire(at now: Date) {
        byRecord = byRecord.filter { _, volumes in
            guard let cleanedAt = volumes.first?.cleanedAt else { return true }
            return now.timeIntervalSince(cleanedAt) < graceAfterCleanup.seconds
        }
    }

    /// The fenced volumes an attachment publishes to their fenced node again.
    public func republished(_ attachments: [Attachment]) -> [Match] {
        var wanted: [String: [Fenced]] = [:]
        for fenced in byRecord.values.joined() { wanted["\(fenced.node)|\(fenced.volume.pvName)", default: []].append(fenced) }
        return attachments.flatMap { attachment in
            (wanted["\(attachment.node)|\(attachment.persistentVolume)"] ?? []).map { Match(attachment: attachment, fenced: $0) }
        }
    }

    /// The pod was deleted by the remediation (its node cleaned or not: `expire` ends the watch).
    public static func watched(_ record: Podguard_V1_FenceRecord) -> Bool {
        record.phase == .podDeleted && !record.dryRun
            && record.request.reason != .crashLoopBackOff && !record.request.volumes.isEmpty
    }
}
