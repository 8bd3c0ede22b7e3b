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
        var alert = Podguard_V1_Alert()
        alert.header = header(at: now, correlation: record.decisionID)
        alert.pod = record.pod
        alert.nodeName = record.nodeName
        alert.fenceID = record.fenceID
        alert.decisionID = record.decisionID
        let families = Set(request.volumes.map(\.family))
        alert.family = families.count == 1 ? families.first! : .unspecified
        alert.labels = [
            "reason": EventTexts.reason(record.reason),
            "families": families.map { PodguardSubjects.token($0) }.sorted().joined(separator: ","),
        ]
        alert.details = record.transitions.map { "\($0.phase) by \($0.by): \($0.message)" }.joined(separator: "\n")
        if record.phase == .podDeleted {
            let seconds = request.hasRequestedAt ? Int(now.timeIntervalSince(request.requestedAt.date).rounded()) : nil
            alert.alertID = "\(record.fenceID).completed"
            alert.severity = .info
            alert.reason = record.reason == .crashLoopBackOff ? "CrashLoopPodDeleted" : "FenceCompleted"
            alert.summary = record.reason == .crashLoopBackOff
                ? "pod \(pod) in CrashLoopBackOff deleted on node \(record.nodeName)"
                : "pod \(pod) fenced off node \(record.nodeName) and deleted" + (seconds.map { " \($0) s after the request" } ?? "")
        } else {
            let reason = RemediationStateMachine.name(record.abortReason)
            alert.alertID = "\(record.fenceID).aborted"
            alert.labels["abort_reason"] = reason
            if record.abortReason == .dryRun {
                alert.severity = .info
                alert.reason = "FenceDryRun"
                alert.summary = "dry run for pod \(pod) on node \(record.nodeName): \(record.abortMessage)"
            } else {
                alert.severity = record.abortReason == .podReplaced ? .warning : .critical
                alert.reason = "FenceAborted"
                alert.summary = "remediation of pod \(pod) on node \(record.nodeName) aborted (\(reason)): \(record.abortMessage)"
            }
        }
        return alert
    }

    public func taintAlert(_ request: Podguard_V1_NodeTaintRequest, severity: Podguard_V1_Severity, reason: String,
                    summary: String, now: Date) -> Podguard_V1_Alert {
        var alert = Podguard_V1_Alert()
        alert.header = header(at: now, correlation: request.decisionID)
        alert.alertID = "taint.\(request.requestID)"
        alert.severity = severity
        alert.reason = reason
        alert.summary = summary
        alert.nodeName = request.nodeName
        alert.decisionID = request.decisionID
        alert.labels = ["taint": request.taint.key, "action": "\(request.action)", "reason": EventTexts.reason(request.reason)]
        alert.details = request.message
        return alert
    }

    /// A request that cannot be worked on at all (undecodable or missing what it needs).
    public func rejectedAlert(subject: String, sequence: UInt64, why: String, now: Date) -> Podguard_V1_Alert {
        var alert = Podguard_V1_Alert()
        alert.header = header(at: now, correlation: "")
        alert.alertID = "rejected.\(subject).\(sequence)"
        alert.severity = .warning
        alert.reason = "RequestRejected"
        alert.summary = "fencing rejected the message on \(subject): \(why)"
        alert.labels = ["subject": subject]
        return alert
    }

    /// A fenced volume found attached to its fenced node again (`RepublicationGuard`).
    public func republishedAlert(_ fenced: RepublicationWatchList.Fenced, attachment: String, unpublished: Bool, failure: String?,
                          attachmentDeleted: Bool, now: Date) -> Podguard_V1_Alert {
        var alert = Podguard_V1_Alert()
        alert.header = header(at: now, correlation: fenced.fenceID)
        // One alert per attachment object seen: a re-created one has another uid but the same name,
        // so the time keeps repeats apart.
        alert.alertID = "republished.\(fenced.fenceID).\(fenced.volume.pvName).\(Int(now.timeIntervalSince1970))"
        alert.severity = .critical
        alert.reason = "FencedVolumeRepublished"
        alert.summary = "volume \(fenced.volume.pvName) of \(fenced.pod), fenced from \(fenced.node), was attached to that node again "
            + "(VolumeAttachment \(attachment)); " + (unpublished ? "unpublished again" : "could not unpublish it again: \(failure ?? "no CSI node id")")
            + (attachmentDeleted ? ", attachment deleted" : "")
        alert.nodeName = fenced.node
        alert.fenceID = fenced.fenceID
        alert.labels = ["pv": fenced.volume.pvName, "attachment": attachment]
        return alert
    }
}
