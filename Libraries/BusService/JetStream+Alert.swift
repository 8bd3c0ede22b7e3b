public import Bus
public import Contracts

extension JetStream {
    /// Publishes an alert on its subject (`alert.<severity>.<reason>`, stream PODGUARD_ALERTS) with
    /// its id as `Nats-Msg-Id`, so a repeat within the duplicate window is stored once.
    public func publish(alert: Podguard_V1_Alert, subjects: PodguardSubjects) async throws {
        try await publish(alert, to: subjects.alert(severity: alert.severity, reason: alert.reason), messageID: alert.alertID)
    }
}
