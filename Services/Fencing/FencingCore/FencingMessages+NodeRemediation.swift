public import Contracts
public import Foundation
import Policy
import SwiftProtobuf

extension FencingMessages {
    /// Marks a NodeRemediationRecord as written by this replica now: the owner while it climbs,
    /// nobody once it is finished.
    public func stamp(_ record: inout Podguard_V1_NodeRemediationRecord, at now: Date, correlation: String) {
        record.header = header(at: now, correlation: correlation)
        if record.isClimbing {
            record.owner = producerID
            record.ownerRenewedAt = Google_Protobuf_Timestamp(date: now)
        } else {
            record.owner = ""
            record.clearOwnerRenewedAt()
        }
    }

    /// What a node remediation alert announces.
    public enum NodeRemediationNews: Sendable, Hashable {
        /// The arrays could not prove the node safe; the ladder is climbed.
        case started
        /// A human is asked to approve (or deny) that the node is down.
        case approvalRequested(annotation: String)
        /// The ladder proved the node safe: the waiting pods move.
        case proven
        case exhausted
        case denied
        case abandoned
    }

    /// The alert of a node remediation event; its id makes a re-publication (after a takeover) a duplicate.
    public func nodeRemediationAlert(_ record: Podguard_V1_NodeRemediationRecord, _ news: NodeRemediationNews,
                                     now: Date) -> Podguard_V1_Alert {
        let node = record.nodeName
        let ladder = record.ladder.map { $0.step.name }.joined(separator: " → ")
        let id: String, severity: Podguard_V1_Severity, reason: String, summary: String
        switch news {
        case .started:
            (id, severity, reason) = ("\(record.remediationID).started", .warning, "NodeRemediationStarted")
            summary = "the arrays cannot prove node \(node) safe (\(record.storageFailure)); climbing its remediation ladder: \(ladder)"
        case .approvalRequested(let annotation):
            (id, severity, reason) = ("\(record.remediationID).approval", .critical, "NodeFenceApprovalRequired")
            summary = "node \(node) could not be proven safe automatically; confirm it is down (powered off or isolated) with "
                + "kubectl annotate node \(node) \(annotation)=\(NodeApprovalAnnotation.approve(bootID: record.bootID).value), or refuse with "
                + "\(annotation)=\(NodeApprovalAnnotation.deny(bootID: record.bootID, reason: "<reason>").value)"
        case .proven:
            (id, severity, reason) = ("\(record.remediationID).proven", .info, "NodeProvenSafe")
            summary = "node \(node) proven safe by its \(record.provenBy.name) step; its pods move"
        case .exhausted:
            (id, severity, reason) = ("\(record.remediationID).exhausted", .critical, "NodeRemediationExhausted")
            summary = "node \(node) could not be proven safe; nothing was deleted, an operator must act: \(NodeRemediationText.summary(record))"
        case .denied:
            (id, severity, reason) = ("\(record.remediationID).denied", .warning, "NodeFenceDenied")
            summary = "fencing node \(node) was denied; nothing was deleted: \(NodeRemediationText.summary(record))"
        case .abandoned:
            (id, severity, reason) = ("\(record.remediationID).abandoned", .info, "NodeRemediationAbandoned")
            summary = "node \(node) came back before it was proven safe; its remediation stopped: \(NodeRemediationText.summary(record))"
        }
        return alert(id: id, severity: severity, reason: reason, summary: summary,
                     details: record.history.map(NodeRemediationText.outcome).joined(separator: "\n"), node: node,
                     fenceID: record.startedByFenceID,
                     labels: ["ladder": record.ladderName, "remediation_id": record.remediationID, "boot_id": record.bootID],
                     correlation: record.header.correlationID, at: now)
    }
}

extension FencingMessages {
    /// A node whose ladder may not start yet (`remediation.maxConcurrentNodes`); one alert per node
    /// and minute (its id), however many pods wait.
    public func nodeRemediationHeldAlert(node: String, why: String, now: Date) -> Podguard_V1_Alert {
        alert(id: "node-remediation-held.\(node).\(Int(now.timeIntervalSince1970) / 60)", severity: .warning,
              reason: "NodeRemediationLimitReached",
              summary: "the arrays cannot prove node \(node) safe, but its remediation ladder waits: \(why)", node: node, at: now)
    }
}

extension Podguard_V1_NodeRemediationRecord {
    public var isClimbing: Bool { state == .climbing }
}
