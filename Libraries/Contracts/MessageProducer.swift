import Foundation
import SwiftProtobuf

/// A service that writes podguard messages. Its message factory conforms, so every service stamps
/// headers, FenceRecord phases and alerts the same way.
public protocol MessageProducer {
    /// `<service>/<instance>`: the header's `producer_id` and a transition's `by`.
    var producerID: String { get }
    /// The header's `producer_version`.
    var version: String { get }
}

extension MessageProducer {
    /// The header of a message produced `now`, correlated with `correlation` (a decision or fence id).
    public func header(at now: Date, correlation: String = "") -> Podguard_V1_Header {
        var header = Podguard_V1_Header()
        header.producerID = producerID
        header.producedAt = Google_Protobuf_Timestamp(date: now)
        header.correlationID = correlation
        header.producerVersion = version
        return header
    }

    /// An alert of this producer. Every alert podguard publishes is built here, so headers and what
    /// identifies the subject of an alert are set one way; the header is correlated with
    /// `correlation`, by default the decision id.
    public func alert(id: String, severity: Podguard_V1_Severity, reason: String, summary: String, details: String = "",
                      node: String = "", pod: Podguard_V1_ObjectRef? = nil, decisionID: String = "", fenceID: String = "",
                      labels: [String: String] = [:], correlation: String? = nil, at now: Date) -> Podguard_V1_Alert {
        var alert = Podguard_V1_Alert()
        alert.header = header(at: now, correlation: correlation ?? decisionID)
        alert.alertID = id
        alert.severity = severity
        alert.reason = reason
        alert.summary = summary
        alert.details = details
        alert.nodeName = node
        if let pod { alert.pod = pod }
        alert.decisionID = decisionID
        alert.fenceID = fenceID
        alert.labels = labels
        return alert
    }

    /// A FenceRecord phase this producer entered `now`.
    public func transition(_ phase: Podguard_V1_FencePhase, note: String, at now: Date) -> Podguard_V1_FencePhaseTransition {
        var transition = Podguard_V1_FencePhaseTransition()
        transition.phase = phase
        transition.at = Google_Protobuf_Timestamp(date: now)
        transition.by = producerID
        transition.message = note
        return transition
    }

    /// A REQUESTED FenceRecord for `request`, carrying the request and its first transition.
    public func requestedRecord(for request: Podguard_V1_FenceRequest, note: String, at now: Date) -> Podguard_V1_FenceRecord {
        var record = Podguard_V1_FenceRecord()
        record.header = header(at: now, correlation: request.decisionID)
        record.fenceID = request.fenceID
        record.decisionID = request.decisionID
        record.pod = request.pod
        record.nodeName = request.nodeName
        record.nodeUid = request.nodeUid
        record.reason = request.reason
        record.phase = .requested
        record.request = request
        record.transitions = [transition(.requested, note: note, at: now)]
        return record
    }
}
