import Foundation
import Harness
import PodguardStack

extension DemoRun {
    /// The alerts of the demo's namespace that alert-relay delivered to Alertmanager (its v2 API,
    /// read back), and how many Alerts reached the signed webhook.
    func showDeliveredAlerts(stack: PodguardStack, namespace: String) async throws {
        guard let receivers = stack.alertReceivers else { return }
        let c = console
        // Give the relay a moment for the last outcomes (it delivers within milliseconds).
        try await Task.sleep(for: .seconds(1))
        let active = try await receivers.alertmanager.activeAlerts()
            .filter { $0.labels["namespace"] == namespace || $0.labels["namespace"] == nil }
            .sorted { ($0.startsAt, $0.labels["alertname"] ?? "") < ($1.startsAt, $1.labels["alertname"] ?? "") }
        c.step("alerts", "alert-relay delivered podguard's Alerts to Alertmanager at \(receivers.alertmanager.url) (GET /api/v2/alerts shows \(active.count) firing) and \(receivers.webhooks.received.count) signed posts to the webhook '\(StackAlertReceivers.webhookName)'")
        for alert in active {
            let labels = alert.labels
            let what = labels["pod"].map { "\(labels["namespace"] ?? "")/\($0)" } ?? labels["node"] ?? ""
            let kind = labels["podguard_condition"] != nil ? "condition" : "event"
            c.line("  " + c.paint((labels["severity"] ?? "").padding(toLength: 9, withPad: " ", startingAt: 0), .bold)
                   + (labels["alertname"] ?? "").padding(toLength: 20, withPad: " ", startingAt: 0)
                   + what.padding(toLength: max(30, what.count + 1), withPad: " ", startingAt: 0) + c.paint(kind + ": ", .dim)
                   + (alert.annotations["summary"] ?? ""))
        }
        c.line(c.paint("  (each remediation fired as a condition while under way and was resolved by its outcome; resolved alerts leave the API's list)", .dim))
    }

    /// `podguard explain <namespace>/<pod>`: the operator's command, run as an operator would.
    func showExplanation(stack: PodguardStack, namespace: String, pod: String) async throws {
        let c = console
        c.line()
        c.step("explain", "$ podguard explain \(namespace)/\(pod)")
        let result = try await stack.podguard(["explain", "\(namespace)/\(pod)"])
        for line in result.output.split(separator: "\n", omittingEmptySubsequences: false) { c.line("  " + line) }
        if result.status != 0 { throw StackError("podguard explain exited \(result.status)") }
    }
}
