// Named to sort after the scenarios on the shared stack: this one stops it for a stack of its own.
import ArrayFamily
import Bus
import Contracts
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Harness
import Kube
import Logging
import NodeSimulator
import PodguardStack
import Testing

extension EndToEndTests {
    /// (ai) Secrets never leak (issue "Proof under chaos", item 3): a failover that uses every
    /// secret podguard holds — each service's NATS password, the node's BMC password (its fence
    /// agent powers the node off), the chart ServiceAccounts' Kubernetes tokens (every service acts
    /// as the chart installs it) and the webhook's HMAC key (alert-relay signs every post) — and
    /// then every log line of every service, every metric, every Kubernetes Event, every Alert
    /// (on the bus, in Alertmanager, at the webhook) and every message that crossed the bus (read
    /// by a wiretap user that may subscribe to everything) is searched for each secret, as it is,
    /// base64-encoded and, for a token, its signature alone.
    @Test func noSecretLeaksFromAFailover() async throws {
        var configuration = PodguardStackConfiguration(nodes: 3, families: [.powerstore])
        configuration.nodeBMCs = true
        configuration.chartIdentities = true
        configuration.remediationLadder = "storage:5m fence-agent:2m"
        try await SharedStacks.with(configuration) { stack in
            let security = try #require(stack.busSecurity)
            let bmcs = try #require(stack.bmcs)
            let chart = try #require(stack.chart)
            let receivers = try #require(stack.alertReceivers)
            var secrets: [String: String] = ["webhook HMAC key": receivers.webhookKey]
            for principal in security.principals { secrets["NATS password of \(principal.role)"] = security.password(for: principal) }
            for (node, bmc) in bmcs.bmcs { secrets["BMC password of \(node)"] = bmc.password }
            for (account, token) in chart.tokens { secrets["Kubernetes token of \(account)"] = token }
            let scanner = SecretScanner(secrets: secrets)
            // The scanner finds what it looks for (a check that cannot pass vacuously).
            let probe = SecretScanner(secrets: ["probe": receivers.webhookKey])
            probe.scan("x \(Data(receivers.webhookKey.utf8).base64EncodedString()) y", channel: "probe", place: "a line")
            try #require(probe.findings.count == 1, "the scanner misses a base64-encoded secret")

            // Every message on the bus from now on, as the wiretap user reads it.
            let wiretap = try await BusConnection.connect(security.wiretapOptions(servers: stack.busURLs, name: "leak-wiretap"),
                                                          logger: .init(label: "leak-wiretap"))
            let everything = try wiretap.subscribe(to: ">", bufferCapacity: 1 << 20)
            let reading = Task {
                for await message in everything {
                    let headers = message.headers.fields.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
                    scanner.scan(Array(message.subject.utf8) + Array(headers.utf8) + message.payload, channel: "bus message",
                                 place: message.subject)
                }
            }
            try await stack.scenario("no secret leaks from a failover") {
                let namespace = try await stack.makeNamespace("leak")
                let target = stack.nodeNames[1]
                let workload = ProtectedWorkload(name: "kdb", families: [.powerstore], preferredNode: target)
                let old = try await stack.deploy(workload, namespace: namespace)[0]
                try require(old.node == target, "the pod started on \(old.node), not \(target)")
                // A zombie: only the fence agent (the BMC password) can prove the node safe.
                try await stack.cluster.inject(.kubeletDown, on: target)
                let new = try await stack.waitForPods(workload, namespace: namespace, replacing: [old], timeout: .seconds(240))[0]
                try require(new.node != target, "replaced on the failed node")
                try require(try stack.cluster.isPoweredOn(target) == false, "the fence agent did not power \(target) off")
                try await Wait.until("the webhook got signed posts") { receivers.webhooks.received.contains { $0.signatureValid } }
                try await stack.cluster.setPower(on: true, node: target)
                try await stack.waitUntilNodeClean(target, timeout: .seconds(180))
                try await wiretap.flush()
                try await Task.sleep(for: .seconds(1))
            }
            everything.unsubscribe()
            reading.cancel()
            await wiretap.close()

            for process in stack.processes.values.sorted(by: { $0.id < $1.id }) {
                for (number, line) in process.log.split(separator: "\n").enumerated() {
                    scanner.scan(String(line), channel: "log line", place: "\(process.id) line \(number + 1)")
                }
                for line in await process.metrics().split(separator: "\n") {
                    scanner.scan(String(line), channel: "metric", place: "\(process.id) \(line.prefix(60))")
                }
            }
            for resource in ["events", "events.events.k8s.io"] {
                let listed = try await stack.plane.kubectl(["get", resource, "--all-namespaces", "-o", "json"])
                try #require(listed.status == 0, "kubectl get \(resource): \(listed.output)")
                let items = ((try? JSONSerialization.jsonObject(with: Data(listed.output.utf8))) as? [String: Any])?["items"] as? [Any] ?? []
                for item in items {
                    let data = (try? JSONSerialization.data(withJSONObject: item)) ?? Data()
                    scanner.scan([UInt8](data), channel: "Event", place: "\(resource) \((item as? [String: Any])?["metadata"] ?? "")")
                }
            }
            for alert in stack.auditor.alerts { scanner.scan("\(alert)", channel: "Alert", place: "\(alert.reason) \(alert.alertID)") }
            let alertmanager = try await URLSession.shared.data(from: try #require(URL(string: "\(receivers.alertmanager.url)/api/v2/alerts"))).0
            for alert in (try JSONSerialization.jsonObject(with: alertmanager)) as? [Any] ?? [] {
                scanner.scan([UInt8]((try? JSONSerialization.data(withJSONObject: alert)) ?? Data()), channel: "Alertmanager alert", place: "an alert")
            }
            for post in receivers.webhooks.received { scanner.scan(post.raw, channel: "webhook post", place: "\(post.reason) \(post.alertID)") }

            let scanned = scanner.scanned
            print("[e2e] secrets looked for: \(secrets.count); scanned: \(scanned.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)s" }.joined(separator: ", "))")
            for channel in ["log line", "metric", "Event", "Alert", "Alertmanager alert", "webhook post", "bus message"] {
                #expect((scanned[channel] ?? 0) > 0, "nothing scanned in \(channel)s")
            }
            let findings = scanner.findings
            #expect(findings.isEmpty, "secrets leaked:\n\(findings.prefix(40).map(\.description).joined(separator: "\n"))")
        }
    }
}
