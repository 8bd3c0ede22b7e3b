import SwiftProtobuf
import Foundation
public import Contracts
import Policy

/// A FenceRecord's phases and abort reasons in plain words.
public enum FenceWords {
    /// What completing `phase` did, in the record's terms.
    public static func phase(_ phase: Podguard_V1_FencePhase, of record: Podguard_V1_FenceRecord) -> String {
        let volumes = record.request.volumes.count
        switch phase {
        case .requested:
            return "remediation requested from node \(record.nodeName), reason \(record.reason.name), \(volumes) volume\(volumes == 1 ? "" : "s")"
                + (record.dryRun || record.request.dryRun ? " (dry run)" : "")
        case .validated:
            if record.nodeProvenBy != .unspecified {
                return "node proven safe by the \(record.nodeProvenBy.name) step (the arrays could not prove it): fencing may go on"
            }
            return record.reason == .crashLoopBackOff ? "checked: the pod still crash loops on a healthy node"
                : "the arrays confirmed the node cut off and idle: fencing allowed"
        case .fenced:
            return "every volume unpublished at the array (\(volumes)): the node can no longer write to them"
        case .tainted:
            let taints = record.taintsApplied.map(\.text)
            return taints.isEmpty ? "node tainted" : "node tainted \(taints.joined(separator: ", "))"
        case .eventRecorded:
            return "Event \(record.reason.name) recorded on the pod"
        case .attachmentsDeleted:
            return "VolumeAttachments deleted: the volumes may attach elsewhere"
        case .podDeleted:
            return record.reason == .crashLoopBackOff ? "pod deleted (normal grace period)" : "pod force-deleted"
        case .aborted:
            return "aborted: \(abort(record.abortReason)) (\(record.abortReason.name)); the pod was not deleted"
        case .unspecified, .UNRECOGNIZED:
            return "phase \(phase.name)"
        }
    }

    /// Why a remediation stopped, as an operator would say it.
    public static func abort(_ reason: Podguard_V1_AbortReason) -> String {
        switch reason {
        case .arrayConnectedOrIo: "the array still reaches the node or saw recent I/O"
        case .missingCsiAnnotations: "the node has no CSI node id for a driver of the pod"
        case .validationError: "the array could not validate the node's connectivity"
        case .fenceFailed: "a volume could not be fenced"
        case .taintFailed: "the node could not be tainted"
        case .attachmentDeleteFailed: "a VolumeAttachment could not be deleted"
        case .podDeleteFailed: "the pod could not be deleted"
        case .podReplaced: "the pod was already gone or replaced"
        case .csiUnavailable: "no adapter answered for a family of the pod's volumes"
        case .dryRun: "dry run: every check ran, nothing was changed"
        case .safetyCheckFailed: "the live re-check failed (the pod is Ready again, or the trigger is gone)"
        case .noArrayProof: "no array could prove the node disconnected and idle"
        case .nodeNotProvenSafe: "the node could not be proven safe by any step of its ladder"
        case .unspecified, .UNRECOGNIZED: "reason \(reason.name)"
        }
    }
}
