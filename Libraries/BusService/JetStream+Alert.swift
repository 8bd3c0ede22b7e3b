public import Bus
public import Contracts
import Metrics

extension JetStream {
    /// Publishes an alert on its subject (`alert.<severity>.<reason>`, stream PODGUARD_ALERTS) with
    /// its id as `Nats-Msg-Id` (or `messageID`, when replicas publish the same alert under their own
    /// ids), so a repeat within the duplicate window is stored once. Counted in
    /// `podguard_alerts_published_total{reason,severity}`, which the Prometheus rules read.
    public func publish(alert: Podguard_V1_Alert, subjects: PodguardSubjects, messageID: String? = nil) async throws {
        try await publish(alert, to: subjects.alert(severity: alert.severity, reason: alert.reason), messageID: messageID ?? alert.alertID)
        Counter(label: "podguard_alerts_published_total", dimensions: [
            ("reason", alert.reason), ("severity", PodguardSubjects.token(alert.severity)),
        ]).increment()
    }
}
