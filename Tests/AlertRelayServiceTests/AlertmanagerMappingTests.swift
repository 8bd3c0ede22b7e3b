import AlertRelayCore
import Contracts
import Foundation
import Testing

@Suite("Alertmanager mapping")
struct AlertmanagerMappingTests {
    let mapping = AlertmanagerMapping(eventDuration: .seconds(3600), conditionHold: .seconds(240), runbookURL: "https://runbook.example/ops")
    let now = Date(timeIntervalSince1970: 2_000)

    @Test("an event: routing labels, identity by alert id, the text as annotations, firing an hour from its first delivery")
    func event() {
        var alert = makeAlert("FenceAborted", id: "f1.aborted", severity: .critical, node: "w3", fence: "f1", family: .powerstore,
                              labels: ["abort_reason": "FENCE_FAILED", "reason": "NodeFailure", "bad name!": "x"], at: 1_990)
        alert.pod.namespace = "db"
        alert.pod.name = "pg-0"
        alert.details = "validated by fencing/f-1\nfence failed"
        alert.decisionID = "d1"
        let posted = mapping.event(alert, deliveredAt: now)
        #expect(posted.labels == [
            "alertname": "FenceAborted", "reason": "FenceAborted", "severity": "critical", "node": "w3", "namespace": "db",
            "pod": "pg-0", "family": "powerstore", "abort_reason": "FENCE_FAILED", "label_reason": "NodeFailure", "bad_name_": "x",
            "podguard_alert_id": "f1.aborted",
        ])
        #expect(posted.annotations["summary"] == alert.summary && posted.annotations["description"] == alert.details)
        #expect(posted.annotations["fence_id"] == "f1" && posted.annotations["decision_id"] == "d1")
        #expect(posted.annotations["runbook_url"] == "https://runbook.example/ops" && posted.annotations["producer"] == "fencing/f-1")
        #expect(posted.startsAt == Date(timeIntervalSince1970: 1_990))
        #expect(posted.endsAt == now.addingTimeInterval(3600))
    }

    @Test("a condition: identity by the condition, firing for the hold, resolved at the given time; a clock ahead never starts it after now")
    func condition() {
        let opener = makeAlert("CleanupBlocked", severity: .warning, node: "w3", at: 1_500)
        let condition = AlertCondition(.cleanupBlocked, "w3")
        let firing = mapping.condition(condition, opener: opener, firing: true, now: now)
        #expect(firing.labels["podguard_condition"] == "cleanup-blocked w3" && firing.labels["podguard_alert_id"] == nil)
        #expect(firing.endsAt == now.addingTimeInterval(240))
        let resolved = mapping.condition(condition, opener: opener, firing: false, now: now)
        #expect(resolved.labels == firing.labels, "the resolution must carry the firing alert's labels exactly")
        #expect(resolved.endsAt == now)
        let skewed = mapping.condition(condition, opener: opener, firing: false, now: Date(timeIntervalSince1970: 1_000))
        #expect(skewed.startsAt == Date(timeIntervalSince1970: 1_000) && skewed.endsAt == skewed.startsAt)
        #expect(mapping.event(opener, deliveredAt: Date(timeIntervalSince1970: 1_000)).startsAt == Date(timeIntervalSince1970: 1_000))
    }

    @Test("the body is what Alertmanager's v2 API reads: RFC 3339 times, sorted keys")
    func body() throws {
        let posted = mapping.event(makeAlert("TestAlert", id: "t1", at: 1_000), deliveredAt: now)
        let text = String(decoding: try AlertmanagerAlert.body([posted]), as: UTF8.self)
        #expect(text.hasPrefix("[{\"annotations\":{"))
        #expect(text.contains("\"startsAt\":\"1970-01-01T00:16:40.000Z\""))
        #expect(text.contains("\"endsAt\":\"1970-01-01T01:33:20.000Z\""))
    }
}
