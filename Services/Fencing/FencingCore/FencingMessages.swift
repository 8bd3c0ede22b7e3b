public import Contracts
public import Foundation
import SwiftProtobuf

/// Builds the contract messages fencing writes: record headers and transitions, alerts. Alert ids
/// are derived from what they report (fence id and outcome, taint request id), so an alert published
/// again after a crash is stored once (`Nats-Msg-Id` = alert id, 2-minute duplicate window).
public struct FencingMessages: MessageProducer, Sendable {
    public let producerID: String
    public let version: String

    public init(producerID: String, version: String) {
        self.producerID = producerID
        self.version = version
    }

    /// Marks the record as this replica's write: header, and owner renewed (cleared once terminal).
    public func stamp(_ record: inout Podguard_V1_FenceRecord, at now: Date) {
        record.header = header(at: now, correlation: record.decisionID)
        if record.phase.isTerminal {
            record.owner = ""
            record.clearOwnerRenewedAt()
        } else {
            record.owner = producerID
            record.ownerRenewedAt = Google_Protobuf_Timestamp(date: now)
        }
    }

    /// The alert of a terminal record: FenceCompleted (info), FenceDryRun (info), FenceAborted
    /// (critical; warning when the pod was replaced, which needs nobody).
    public func outcomeAlert(_ record: Podguard_V1_FenceRecord, now: Date) -> Podguard_V1_Alert {
        let request = record.request
        let pod = "\(record.pod.namespace)/\(record.pod.name)"
        let families = Set(request.volumes.map(\.family))
        var labels = [
            "reason": EventTexts.reason(record.reason),
            "families": families.map { PodguardSubjects.token($0) }.sorted().joined(separator: ","),
        ]
        let id: String, severity: Podguard_V1_Severity, reason: String, summary: String
        if record.phase == .podDeleted {
            let seconds = request.hasRequestedAt ? Int(now.timeIntervalSince(request.requestedAt.date).rounded()) : nil
            (id, severity) = ("\(record.fenceID).completed", .info)
            reason = record.reason == .crashLoopBackOff ? "CrashLoopPodDeleted" : "FenceCompleted"
            summary = record.reason == .crashLoopBackOff
                ? "pod \(pod) in CrashLoopBackOff deleted on node \(record.nodeName)"
                : "pod \(pod) fenced off node \(record.nodeName) and deleted" + (seconds.map { " \($0) s after the request" } ?? "")
        } else {
            let abortReason = record.abortReason.name
            id = "\(record.fenceID).aborted"
            labels["abort_reason"] = abortReason
            if record.abortReason == .dryRun {
                (severity, reason) = (.info, "FenceDryRun")
                summary = "dry run for pod \(pod) on node \(record.nodeName): \(record.abortMessage)"
            } else {
                (severity, reason) = (record.abortReason == .podReplaced ? .warning : .critical, "FenceAborted")
                summary = "remediation of pod \(pod) on node \(record.nodeName) aborted (\(abortReason)): \(record.abortMessage)"
            }
        }
        var alert = alert(id: id, severity: severity, reason: reason, summary: summary,
                          details: record.transitions.map { "\($0.phase) by \($0.by): \($0.message)" }.joined(separator: "\n"),
                          node: record.nodeName, pod: record.pod, decisionID: record.decisionID, fenceID: record.fenceID,
                          labels: labels, at: now)
        alert.family = families.count == 1 ? families.first! : .unspecified
        return alert
    }

    public func taintAlert(_ request: Podguard_V1_NodeTaintRequest, severity: Podguard_V1_Severity, reason: String,
                    summary: String, now: Date) -> Podguard_V1_Alert {
        alert(id: "taint.\(request.requestID)", severity: severity, reason: reason, summary: summary, details: request.message,
              node: request.nodeName, decisionID: request.decisionID,
              labels: ["taint": request.taint.key, "action": "\(request.action)", "reason": EventTexts.reason(request.reason)], at: now)
    }

    /// A request that cannot be worked on at all (undecodable or missing what it needs).
    public func rejectedAlert(subject: String, sequence: UInt64, why: String, now: Date) -> Podguard_V1_Alert {
        alert(id: "rejected.\(subject).\(sequence)", severity: .warning, reason: "RequestRejected",
              summary: "fencing rejected the message on \(subject): \(why)", labels: ["subject": subject], at: now)
    }

    /// A fenced volume found attached to its fenced node again (`RepublicationGuard`).
    public func republishedAlert(_ fenced: RepublicationWatchList.Fenced, attachment: String, unpublished: Bool, failure: String?,
                          attachmentDeleted: Bool, now: Date) -> Podguard_V1_Alert {
        let summary = "volume \(fenced.volume.pvName) of \(fenced.pod), fenced from \(fenced.node), was attached to that node again "
            + "(VolumeAttachment \(attachment)); " + (unpublished ? "unpublished again" : "could not unpublish it again: \(failure ?? "no CSI node id")")
            + (attachmentDeleted ? ", attachment deleted" : "")
        // One alert per attachment object seen: a re-created one has another uid but the same name,
        // so the time keeps repeats apart.
        return alert(id: "republished.\(fenced.fenceID).\(fenced.volume.pvName).\(Int(now.timeIntervalSince1970))",
                     severity: .critical, reason: "FencedVolumeRepublished", summary: summary, node: fenced.node,
                     fenceID: fenced.fenceID, labels: ["pv": fenced.volume.pvName, "attachment": attachment],
                     correlation: fenced.fenceID, at: now)
    }
}
