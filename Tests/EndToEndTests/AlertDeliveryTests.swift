import ArrayFamily
import Contracts
import Foundation
import Harness
import NodeSimulator
import PodguardStack
import Testing

extension EndToEndTests {
    /// (ag) A failover as an operator sees it (issue "Operable"): alert-relay delivers its Alerts
    /// to a real Alertmanager and to a signed webhook — the remediation fires while under way and
    /// is resolved by its outcome, FenceCompleted is an event naming the pod — and the operator's
    /// `podguard` command explains the move and lists it in the history with its phase times.
    @Test func aFailoversAlertsReachAlertmanagerAndAWebhookAndPodguardExplainsIt() async throws {
        let stack = try await Self.mainStack()
        let receivers = try #require(stack.alertReceivers, "the main stack runs alert-relay")
        try await stack.scenario("alerts delivered, the move explained") {
            let namespace = try await stack.makeNamespace("alerts")
            let target = stack.nodeNames[1]
            let workload = ProtectedWorkload(name: "ledger", families: [.powerstore], preferredNode: target)
            let old = try await stack.deploy(workload, namespace: namespace)[0]
            try require(old.node == target, "pod started on \(old.node), not \(target)")
            try await stack.cluster.inject(.interfaceDown, on: target)
            _ = try await stack.waitForPods(workload, namespace: namespace, replacing: [old])
            let fenceID = try #require(stack.auditor.fenceRecords(podUID: old.uid).last?.fenceID)

            try await Wait.until("the webhook got the remediation's start and end, signed", timeout: .seconds(60)) {
                let posts = receivers.webhooks.received.filter { $0.fenceID == fenceID }
                return Set(posts.map(\.reason)).isSuperset(of: ["FenceRequested", "FenceCompleted"])
            }
            let posts = receivers.webhooks.received.filter { $0.fenceID == fenceID }
            try require(posts.allSatisfy { $0.signatureValid && $0.alertID == $0.bodyAlertID }, "a post unsigned or mislabelled: \(posts)")
            try await Wait.until("Alertmanager: FenceCompleted firing as an event, the remediation resolved", timeout: .seconds(60)) {
                let active = try await receivers.alertmanager.activeAlerts()
                let completed = active.contains { $0.labels["podguard_alert_id"] == "\(fenceID).completed"
                    && $0.labels["pod"] == old.name && $0.labels["namespace"] == namespace && $0.labels["node"] == target }
                return completed && !active.contains { $0.labels["podguard_condition"] == "remediation \(fenceID)" }
            }

            let explained = try await stack.podguard(["explain", "\(namespace)/\(old.name)"])
            try require(explained.status == 0, "podguard explain failed:\n\(explained.output)")
            try require(explained.output.contains("fence requested") && explained.output.contains("pod force-deleted"),
                        "podguard explain does not tell the move:\n\(explained.output)")
            print("[e2e] podguard explain \(namespace)/\(old.name):\n\(explained.output)")
            let history = try await stack.podguard(["history", "--output", "json"])
            try require(history.status == 0 && history.output.contains("\"pod\" : \"\(namespace)/\(old.name)\"")
                        && history.output.contains("\"outcome\" : \"moved\""), "podguard history lacks the move:\n\(history.output)")

            try await stack.cluster.recover(.interfaceDown, on: target)
            try await stack.waitUntilNodeClean(target)
        }
    }
}
