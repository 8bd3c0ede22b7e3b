import AlertRelayCore
import Bus
import BusService
import Contracts
import Foundation
import Harness
import Logging
import PodguardStack
import Testing

/// The relay as its own process, as its own least-privileged NATS user, against a real nats-server,
/// a real Alertmanager (Debian's) and the tests' webhook receiver: a burst of Alerts with the relay
/// SIGKILLed in the middle and Alertmanager and a webhook down for a while. Every Alert reaches
/// every receiver whose filter takes it, each receiver's copies carry one idempotency key, open
/// conditions fire and closed ones do not, and a message that is no Alert is dropped, not retried.
@Suite("alert-relay delivering a burst through a crash and outages", .serialized)
struct AlertRelayDeliveryTests {
    static let topology = BusTopology.standard

    @Test func burstSurvivesAKillAndOutages() async throws {
        var logger = Logger(label: "test.relay")
        logger.logLevel = .critical
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("podguard-relay-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let users = BusPrincipal.all().map { ($0, NATSUserCredential.password("pw-\($0.role)")) }
        let server = try await NATSServerProcess.start(.init(accounts: NATSAuthorization(topology: Self.topology, users: users).accountsBlock()))
        defer { server.stop() }
        let admin = try await BusConnection.connect(
            BusOptions(servers: [server.url], name: "test-admin", credentials: .userPassword(user: "podguard-admin", password: "pw-admin"),
                       inboxPrefix: Self.topology.inboxPrefix(for: .administrator)), logger: logger)
        try await admin.waitUntilConnected(timeout: .seconds(5))
        let js = try admin.jetStream()
        try await TopologyInstaller.ensure(Self.topology, on: js, logger: logger)
        let alertmanager = try await AlertmanagerProcess.start()
        defer { alertmanager.remove() }
        let keys = ["ops": "ops-key-\(UUID().uuidString)", "pager": "pager-key-\(UUID().uuidString)"]
        let hooks = try await WebhookRecorder.start(keys: keys, logger: logger)
        let opsKey = directory.appendingPathComponent("ops.key")
        try (keys["ops"]! + "\n").write(to: opsKey, atomically: true, encoding: .utf8)

        let relay = ServiceProcess(
            id: ServiceID(.alertRelay, "relay-1"), executable: BuildProducts.executable("podguard-alert-relay"),
            arguments: ["--http.host", "127.0.0.1", "--http.port", "0", "--bus.servers", server.url, "--bus.user", "podguard-alert-relay",
                        "--bus.installTopology", "false", "--relay.alertmanager.urls", alertmanager.url,
                        "--relay.webhooks", "name=ops url=\(hooks.baseURL)/ops secretFile=\(opsKey.path),"
                            + "name=pager url=\(hooks.baseURL)/pager secretEnv=PAGER_KEY severity=critical",
                        "--relay.retryInitialDelay", "200ms", "--relay.retryMaxDelay", "2s", "--relay.alertmanager.resendInterval", "2s"],
            environment: ["PODGUARD_BUS_PASSWORD": "pw-alert-relay", "PAGER_KEY": keys["pager"]!],
            logFile: directory.appendingPathComponent("relay.log"), pidRegistry: PIDRegistry(file: directory.appendingPathComponent("pids")))
        try relay.start()
        defer { relay.kill() }
        try await Self.until("the relay is ready", relay) { await relay.isReady() }

        // The burst: 30 remediations opened (FenceRequested), 24 of them closed (FenceCompleted or,
        // every fourth, FenceAborted, critical), 40 events, 5 blocked cleanups left open; one closer
        // published before its own (older) opener.
        var alerts: [Podguard_V1_Alert] = []
        // Produced over the last hour, as Alerts stored while the relay was away would be.
        let start = Date().timeIntervalSince1970 - 3600
        for index in 0..<30 {
            alerts.append(Self.alert("FenceRequested", id: "f\(index).requested", fence: "f\(index)", node: "n\(index % 3)", at: start + Double(index)))
        }
        for index in 0..<24 {
            let aborted = index % 4 == 0
            alerts.append(Self.alert(aborted ? "FenceAborted" : "FenceCompleted", id: "f\(index).\(aborted ? "aborted" : "completed")",
                                     severity: aborted ? .critical : .info, fence: "f\(index)", node: "n\(index % 3)", at: start + 100 + Double(index)))
        }
        for index in 0..<40 {
            alerts.append(Self.alert(index % 5 == 0 ? "TaintRequestFailed" : "TaintAdded", id: "event\(index)",
                                     severity: index % 5 == 0 ? .critical : .info, node: "n\(index % 3)", at: start + 200 + Double(index)))
        }
        for index in 0..<5 {
            alerts.append(Self.alert("CleanupBlocked", id: "blocked\(index)", severity: .warning, node: "w\(index)", producer: "node-cleanup/w\(index)",
                                     at: start + 300 + Double(index)))
        }
        alerts.append(Self.alert("FenceCompleted", id: "late.completed", fence: "late", node: "n0", at: start + 400))
        alerts.append(Self.alert("FenceRequested", id: "late.requested", fence: "late", node: "n0", at: start + 399))

        // A third, then the relay is SIGKILLed mid-burst; a third while it is down; then it comes back.
        let third = alerts.count / 3
        for alert in alerts[..<third] { try await js.publish(alert: alert, subjects: Self.topology.subjects) }
        try await Task.sleep(for: .milliseconds(150))
        relay.kill()
        for alert in alerts[third..<(2 * third)] { try await js.publish(alert: alert, subjects: Self.topology.subjects) }
        try relay.start()
        // The rest with Alertmanager stopped and the pager refusing: both come back later.
        alertmanager.stop()
        hooks.refuse(true)
        for alert in alerts[(2 * third)...] { try await js.publish(alert: alert, subjects: Self.topology.subjects) }
        // A foreign message on an alert subject: dropped and counted, never retried.
        try admin.publish(Array("not an alert".utf8), to: Self.topology.subjects.alert(severity: .info, reason: "Garbage"))
        try await admin.flush()
        try await Task.sleep(for: .seconds(3))
        hooks.refuse(false)
        try await alertmanager.start()

        let ids = Set(alerts.map(\.alertID))
        let critical = Set(alerts.filter { $0.severity == .critical }.map(\.alertID))
        try await Self.until("every Alert at every receiver", relay, timeout: .seconds(90)) {
            let posts = hooks.received
            return Set(posts.filter { $0.receiver == "ops" }.map(\.alertID)) == ids
                && Set(posts.filter { $0.receiver == "pager" }.map(\.alertID)) == critical
        }
        let posts = hooks.received
        #expect(posts.allSatisfy { $0.signatureValid }, "a post whose signature does not verify")
        #expect(posts.allSatisfy { $0.alertID == $0.bodyAlertID }, "the idempotency key must be the Alert's id")
        #expect(posts.filter { $0.receiver == "pager" }.allSatisfy { $0.severity == "SEVERITY_CRITICAL" }, "the pager's filter let a non-critical Alert through")
        // A copy beyond the first can only come from the kill landing between a receiver's answer and
        // its record; the idempotency key makes it harmless, and there are at most a batch of them.
        let copies = posts.count - Set(posts.map { "\($0.receiver)/\($0.alertID)" }).count
        print("[relay] \(ids.count) Alerts, \(posts.count) posts, \(copies) repeated (idempotency key) after one SIGKILL")
        #expect(copies <= 8, "\(copies) repeated posts for one kill of a relay with 8 Alerts in hand")

        // Alertmanager, restarted meanwhile (it keeps alerts in memory only): every event (an hour
        // long), the 6 remediations and 5 cleanups still open, no closed one, the late pair not firing.
        let fences = Set((24..<30).map { "remediation f\($0)" })
        let cleanups = Set((0..<5).map { "cleanup-blocked w\($0)" })
        let events = Set(alerts.filter { AlertLifecycle.of($0).opens == nil }.map(\.alertID))
        try await Self.until("Alertmanager holds the events and exactly the open conditions", relay, timeout: .seconds(60)) {
            let active = try await alertmanager.activeAlerts()
            let conditions = Set(active.compactMap { $0.labels["podguard_condition"] })
            return Set(active.compactMap { $0.labels["podguard_alert_id"] }) == events && conditions == fences.union(cleanups)
        }
        let active = try await alertmanager.activeAlerts()
        let blocked = try #require(active.first { $0.labels["podguard_condition"] == "cleanup-blocked w0" })
        #expect(blocked.labels["alertname"] == "CleanupBlocked" && blocked.labels["severity"] == "warning" && blocked.labels["node"] == "w0")
        #expect(blocked.annotations["summary"] == "CleanupBlocked on w0")

        let metrics = await relay.metrics()
        #expect(metrics.contains("podguard_alert_relay_undecodable_total 1"), "the foreign message was not dropped once:\n\(metrics)")
        #expect(relay.starts == 2, "the relay exited by itself:\n\(relay.logTail())")
        try? FileManager.default.removeItem(at: directory)
    }

    static func alert(_ reason: String, id: String, severity: Podguard_V1_Severity = .info, fence: String = "", node: String,
                      producer: String = "fencing/f-1", at seconds: TimeInterval) -> Podguard_V1_Alert {
        MessageTestProducer(producerID: producer).alert(id: id, severity: severity, reason: reason, summary: "\(reason) on \(node)",
                                                         node: node, fenceID: fence, at: Date(timeIntervalSince1970: seconds))
    }

    static func until(_ what: String, _ relay: ServiceProcess, timeout: Duration = .seconds(30),
                      _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if (try? await condition()) == true { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        Issue.record("timed out waiting for \(what)\n\(relay.logTail(lines: 30))\n\(await relay.metrics())")
        throw CancellationError()
    }
}

/// Alerts made the way podguard's producers make them (`MessageProducer`).
struct MessageTestProducer: MessageProducer {
    let producerID: String
    let version = "test"
}
