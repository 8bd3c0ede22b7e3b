import SwiftProtobuf
import Foundation
public import Contracts

/// One alert as the CLI prints it: "10:04:12 CRITICAL FenceAborted db/postgres-0 on worker-3: <summary>".
public struct AlertView: OperatorView, Equatable {
    public var at: String?
    public var severity: String
    public var reason: String
    public var summary: String
    public var pod: String?
    public var node: String?
    public var fenceID: String?
    public var decisionID: String?
    public var labels: [String: String]
    public var details: String?
    public var producer: String
    /// `at` in the view's time zone, for the line; not part of JSON/YAML.
    var clock: String

    enum CodingKeys: String, CodingKey { case at, severity, reason, summary, pod, node, fenceID, decisionID, labels, details, producer }

    public init(_ alert: Podguard_V1_Alert, clock: ViewClock) {
        let produced = alert.header.hasProducedAt ? alert.header.producedAt.date : nil
        at = produced.map(RFC3339.string)
        self.clock = produced.map(clock.time) ?? "--:--:--"
        severity = alert.severity.name
        reason = alert.reason
        summary = alert.summary
        pod = alert.hasPod ? "\(alert.pod.namespace)/\(alert.pod.name)" : nil
        node = alert.nodeName.isEmpty ? nil : alert.nodeName
        fenceID = alert.fenceID.isEmpty ? nil : alert.fenceID
        decisionID = alert.decisionID.isEmpty ? nil : alert.decisionID
        labels = alert.labels
        details = alert.details.isEmpty ? nil : alert.details
        producer = alert.header.producerID
    }

    public var text: String {
        var subject = ""
        if let pod { subject += " \(pod)" }
        if let node { subject += (pod == nil ? " node " : " on ") + node }
        return "\(clock) \(severity.padding(toLength: 8, withPad: " ", startingAt: 0)) \(reason)\(subject): \(summary)\n"
    }
}

/// `podguard alerts`: the latest alerts, oldest first (as they happened).
public struct AlertList: OperatorView, Equatable {
    public var alerts: [AlertView]

    public init(_ alerts: [Podguard_V1_Alert], clock: ViewClock) {
        self.alerts = alerts
            .sorted { $0.header.producedAt.date < $1.header.producedAt.date }
            .map { AlertView($0, clock: clock) }
    }

    public var text: String {
        alerts.isEmpty ? "no alert in the stream\n" : alerts.map(\.text).joined()
    }
}
