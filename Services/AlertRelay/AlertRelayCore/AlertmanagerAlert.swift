public import Contracts
public import Foundation
import SwiftProtobuf

/// One alert of Alertmanager's v2 API (`POST /api/v2/alerts` takes an array of them).
public struct AlertmanagerAlert: Codable, Equatable, Sendable {
    public var labels: [String: String]
    public var annotations: [String: String]
    public var startsAt: Date
    public var endsAt: Date
    public var generatorURL: String?

    /// The JSON body of a post (RFC 3339 times with fractional seconds, as Alertmanager reads them).
    public static func body(_ alerts: [AlertmanagerAlert]) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Self.timestamp(date))
        }
        return try encoder.encode(alerts)
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}

/// How podguard's Alerts look in Alertmanager (docs/alert-relay.md): labels to route and group by,
/// annotations to read. Pure.
public struct AlertmanagerMapping: Sendable {
    /// How long an event (an Alert that opens no condition) stays firing after its delivery.
    public var eventDuration: Duration
    /// How long a firing condition stays firing without a re-post (the relay re-posts open
    /// conditions every `resendInterval`; four missed re-posts end it, as Prometheus does).
    public var conditionHold: Duration
    /// Where the runbook is (an annotation `runbook_url`), if set.
    public var runbookURL: String?
    /// `generatorURL` of every alert, if set (a dashboard of podguard).
    public var generatorURL: String?

    public init(eventDuration: Duration = .seconds(3600), conditionHold: Duration = .seconds(240),
                runbookURL: String? = nil, generatorURL: String? = nil) {
        self.eventDuration = eventDuration
        self.conditionHold = conditionHold
        self.runbookURL = runbookURL
        self.generatorURL = generatorURL
    }

    /// The label names podguard sets itself; an Alert's own labels of these names are kept as
    /// `label_<name>` so they cannot change how Alertmanager identifies the alert.
    public static let reservedLabels: Set<String> = [
        "alertname", "severity", "reason", "node", "namespace", "pod", "family", "podguard_condition", "podguard_alert_id",
    ]

    /// `alert` as an event, first delivered at `deliveredAt`: firing until `eventDuration` later
    /// (a re-post passes the same `deliveredAt`, so the end stays put).
    public func event(_ alert: Podguard_V1_Alert, deliveredAt: Date) -> AlertmanagerAlert {
        var labels = Self.labels(of: alert)
        labels["podguard_alert_id"] = Self.labelValue(alert.alertID)
        return make(alert, labels: labels, startsAt: start(of: alert, notAfter: deliveredAt),
                    endsAt: deliveredAt.addingTimeInterval(eventDuration.seconds))
    }

    /// The opener of `condition` at `now`: firing (for `conditionHold`; re-posted every
    /// `resendInterval`), or resolved at `now`.
    public func condition(_ condition: AlertCondition, opener: Podguard_V1_Alert, firing: Bool, now: Date) -> AlertmanagerAlert {
        var labels = Self.labels(of: opener)
        labels["podguard_condition"] = Self.labelValue(condition.description)
        let startsAt = start(of: opener, notAfter: now)
        return make(opener, labels: labels, startsAt: startsAt, endsAt: firing ? now.addingTimeInterval(conditionHold.seconds) : now)
    }

    /// When the Alert was produced, but never after `limit`: a producer's clock ahead of the relay's
    /// must not make an alert start after it ends (Alertmanager refuses that).
    private func start(of alert: Podguard_V1_Alert, notAfter limit: Date) -> Date {
        alert.header.hasProducedAt ? min(alert.header.producedAt.date, limit) : limit
    }

    private func make(_ alert: Podguard_V1_Alert, labels: [String: String], startsAt: Date, endsAt: Date) -> AlertmanagerAlert {
        var annotations = ["summary": alert.summary]
        if !alert.details.isEmpty { annotations["description"] = alert.details }
        if !alert.fenceID.isEmpty { annotations["fence_id"] = alert.fenceID }
        if !alert.decisionID.isEmpty { annotations["decision_id"] = alert.decisionID }
        if !alert.header.producerID.isEmpty { annotations["producer"] = alert.header.producerID }
        annotations["alert_id"] = alert.alertID
        if let runbookURL { annotations["runbook_url"] = runbookURL }
        return AlertmanagerAlert(labels: labels, annotations: annotations, startsAt: startsAt, endsAt: endsAt,
                                 generatorURL: generatorURL)
    }

    /// alertname and reason (the Alert's reason), severity, and what it is about.
    static func labels(of alert: Podguard_V1_Alert) -> [String: String] {
        var labels: [String: String] = [:]
        for (name, value) in alert.labels where !value.isEmpty {
            let clean = labelName(name)
            labels[reservedLabels.contains(clean) ? "label_\(clean)" : clean] = labelValue(value)
        }
        labels["alertname"] = labelValue(alert.reason.isEmpty ? "PodguardAlert" : alert.reason)
        labels["reason"] = labelValue(alert.reason)
        labels["severity"] = PodguardSubjects.token(alert.severity)
        if !alert.nodeName.isEmpty { labels["node"] = alert.nodeName }
        if alert.hasPod {
            labels["namespace"] = alert.pod.namespace
            labels["pod"] = alert.pod.name
        }
        if alert.family != .unspecified { labels["family"] = PodguardSubjects.token(alert.family) }
        return labels.filter { !$0.value.isEmpty }
    }

    /// A Prometheus label name: `[a-zA-Z_][a-zA-Z0-9_]*`, anything else as `_`.
    static func labelName(_ name: String) -> String {
        var result = String(name.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(Character(scalar)) || scalar == "_")
                ? Character(scalar) : "_"
        })
        if result.first.map({ $0.isNumber }) ?? true { result = "_" + result }
        return result
    }

    /// Label values are any UTF-8; a very long one is cut, as Alertmanager's notifications would.
    static func labelValue(_ value: String) -> String {
        value.count > 1024 ? String(value.prefix(1024)) : value
    }
}

extension Duration {
    /// Seconds as a Double (Date arithmetic).
    var seconds: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
