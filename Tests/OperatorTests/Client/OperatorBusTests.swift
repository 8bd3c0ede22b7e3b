import SwiftProtobuf
import Bus
import BusService
import Contracts
import Foundation
import Harness
import Logging
import OperatorClient
import OperatorViews
import Testing

/// The client against a real nats-server with podguard's users and permissions: it reads as the
/// observer and writes the pause as the administrator, within their grants.
@Suite("The operator client on a real bus", .serialized, .timeLimit(.minutes(3)))
struct OperatorBusTests {
    @Test("status reads every bucket, the pause and the hold-back alerts as the observer")
    func snapshot() async throws {
        let bus = try await SeededBus.start()
        defer { Task { await bus.stop() } }
        _ = try await bus.open.nodes.put(PodguardKeys.node("worker-3"), message: Records.node("worker-3", ready: .unknown))
        _ = try await bus.open.nodes.put(PodguardKeys.node("worker-1"), message: Records.node("worker-1"))
        _ = try await bus.open.pods.put(PodguardKeys.pod(namespace: "db", name: "postgres-0"), message: Records.podState("postgres-0", node: "worker-3"))
        _ = try await bus.open.connectivity.put(PodguardKeys.connectivity(family: .powerflex, node: "worker-3"),
                                                message: Records.connectivity("worker-3", .lost, lostSince: 230))
        _ = try await bus.open.fences.keyValue.put(PodguardKeys.fence(podUID: "uid-1"), message: Records.waitingFence())
        _ = try await bus.open.nodeRemediations.keyValue.put(PodguardKeys.node("worker-3"), message: Records.nodeRemediation())
        _ = try await bus.open.control.put(PodguardKeys.pause, message: Records.pause(at: Date().timeIntervalSince(Records.base)))
        try await bus.publishAlert(Records.alert("StormLimitReached", at: 500, summary: "held"))

        let settings = try bus.settings()
        let snapshot = try await OperatorBus.with(settings, as: .observer, logger: SeededBus.logger) { try await $0.snapshot() }
        #expect(snapshot.nodes.map(\.value.name) == ["worker-1", "worker-3"])
        #expect(snapshot.pods.map(\.value.name) == ["postgres-0"])
        #expect(snapshot.connectivity.map(\.value.verdict) == [.lost])
        #expect(snapshot.fences.map(\.value.fenceID) == ["f-1"])
        #expect(snapshot.nodeRemediations.first?.value.isWaitingForApproval == true)
        #expect(snapshot.pause?.paused == true)
        #expect(snapshot.holdBacks.map(\.reason) == ["StormLimitReached"])
        #expect(abs(snapshot.nodes[0].storedAt.timeIntervalSinceNow) < 60, "the server's time of the write")

        let report = StatusReport(snapshot, clock: ViewClock(now: Date()))
        #expect(report.pause.paused)
        #expect(report.remediationsInFlight.map(\.pod) == ["db/postgres-0"])
    }

    @Test("explain gathers a pod's DecisionRecords in stream order, its FenceRecords and its node's remediation")
    func podRecords() async throws {
        let bus = try await SeededBus.start()
        defer { Task { await bus.stop() } }
        var first = Records.fenceDecision(at: 100)
        first.outcome = .noAction
        try await bus.publishDecision(first)
        var otherPod = Records.fenceDecision(at: 150)
        otherPod.pod = Records.pod("db", "postgres-1", uid: "uid-7")
        try await bus.publishDecision(otherPod)
        try await bus.publishDecision(Records.fenceDecision(at: 252))
        _ = try await bus.open.fences.keyValue.put(PodguardKeys.fence(podUID: "uid-1"), message: Records.waitingFence())
        _ = try await bus.open.nodeRemediations.keyValue.put(PodguardKeys.node("worker-3"), message: Records.nodeRemediation())

        let records = try await OperatorBus.with(try bus.settings(), as: .observer, logger: SeededBus.logger) {
            try await $0.podRecords(PodReference(namespace: "db", name: "postgres-0"))
        }
        #expect(records.decisions.map(\.outcome) == [.noAction, .fenceRequested])
        #expect(records.fences.map(\.fenceID) == ["f-1"])
        #expect(records.nodeRemediations.map(\.remediationID) == ["nr-1"])
        #expect(records.current == nil)
        let explanation = PodExplanation(records, clock: Records.clock(600))
        #expect(explanation.outcome.contains("podguard approve worker-3"))
    }

    @Test("an unknown pod is a clear refusal, not an empty answer")
    func unknownPod() async throws {
        let bus = try await SeededBus.start()
        defer { Task { await bus.stop() } }
        await #expect {
            try await OperatorBus.with(try bus.settings(), as: .observer, logger: SeededBus.logger) {
                try await $0.podRecords(PodReference(namespace: "db", name: "nope"))
            }
        } throws: { error in
            guard case OperatorError.unknownPod(let text) = error else { return false }
            return text.hasPrefix("podguard knows nothing of pod db/nope")
        }
    }

    @Test("alerts: the latest in order, then live ones as they come, none twice")
    func alerts() async throws {
        let bus = try await SeededBus.start()
        defer { Task { await bus.stop() } }
        for index in 0..<5 {
            try await bus.publishAlert(Records.alert("A\(index)", at: Double(index), id: "a-\(index)"))
        }
        let settings = try bus.settings()
        let latest = try await OperatorBus.with(settings, as: .observer, logger: SeededBus.logger) { try await $0.recentAlerts(count: 3) }
        #expect(latest.map(\.reason) == ["A2", "A3", "A4"])
        let all = try await OperatorBus.with(settings, as: .observer, logger: SeededBus.logger) { try await $0.recentAlerts(count: 50) }
        #expect(all.count == 5)

        let followed = try await OperatorBus.with(settings, as: .observer, logger: SeededBus.logger) { observer in
            var reasons: [String] = []
            for try await alert in try await observer.followAlerts(backlog: 2) {
                reasons.append(alert.reason)
                if reasons.count == 2 { try await bus.publishAlert(Records.alert("Live", at: 10, id: "a-live")) }
                if reasons.count == 3 { break }
            }
            return reasons
        }
        #expect(followed == ["A3", "A4", "Live"])
    }

    @Test("pause and resume as the administrator: decision's reading follows; the observer may not write")
    func pause() async throws {
        let bus = try await SeededBus.start()
        defer { Task { await bus.stop() } }
        let settings = try bus.settings()
        let now = Date()
        let (written, revision) = try await OperatorBus.with(settings, as: .administrator, logger: SeededBus.logger) {
            try await $0.write(.pause(reason: "array upgrade", by: "alice", expiresAfter: .seconds(3600)), version: "test", now: now)
        }
        #expect(revision > 0)
        let stored = try #require(try await bus.open.control.get(PodguardKeys.pause, as: Podguard_V1_PauseSwitch.self)?.value)
        #expect(stored == written)
        // Read as decision reads it (PauseState, inside the status view).
        let during = StatusReport(ClusterSnapshot(pause: stored), clock: ViewClock(now: now.addingTimeInterval(60))).pause
        #expect(during.paused)
        #expect(during.by == "alice")
        #expect(during.reason == "array upgrade")
        #expect(!StatusReport(ClusterSnapshot(pause: stored), clock: ViewClock(now: now.addingTimeInterval(3601))).pause.paused)

        _ = try await OperatorBus.with(settings, as: .administrator, logger: SeededBus.logger) {
            try await $0.write(.resume(by: "bob"), version: "test")
        }
        let resumed = try await bus.open.control.get(PodguardKeys.pause, as: Podguard_V1_PauseSwitch.self)?.value
        #expect(resumed?.paused == false)
        #expect(resumed?.by == "bob")

        await #expect {
            try await OperatorBus.with(settings, as: .observer, logger: SeededBus.logger) {
                try await $0.write(.pause(reason: "x", by: "eve", expiresAfter: nil), version: "test")
            }
        } throws: { error in
            guard case OperatorError.bus(let text) = error else { return false }
            return text.contains("as observer failed") && text.contains("administrator")
        }
        await #expect(throws: OperatorError.refused(PauseChange.pause(reason: "", by: "a", expiresAfter: nil).problem!)) {
            try await OperatorBus.with(settings, as: .administrator, logger: SeededBus.logger) {
                try await $0.write(.pause(reason: "", by: "a", expiresAfter: nil), version: "test")
            }
        }
    }

    @Test("credentials: the role's user from its password variable, an explicit user wins, a wrong password is refused")
    func credentials() async throws {
        let bus = try await SeededBus.start()
        defer { Task { await bus.stop() } }
        let settings = try bus.settings()
        let observer = try settings.options(for: .observer)
        #expect(observer.credentials == .userPassword(user: "podguard-observer", password: "pw-observer"))
        #expect(observer.inboxPrefix == "_INBOX.podguard-observer")
        #expect(try settings.options(for: .administrator).credentials == .userPassword(user: "podguard-admin", password: "pw-admin"))

        let generic = try bus.settings(environment: ["PODGUARD_BUS_PASSWORD": "pw-admin", "PODGUARD_BUS_USER": "podguard-admin"])
        #expect(try generic.options(for: .observer).credentials == .userPassword(user: "podguard-admin", password: "pw-admin"))
        #expect(try generic.options(for: .observer).inboxPrefix == "_INBOX.podguard-admin")
        // The administrator may read what the observer reads.
        _ = try await OperatorBus.with(generic, as: .observer, logger: SeededBus.logger) { try await $0.snapshot() }

        let wrong = try bus.settings(environment: [NATSAuthorization.passwordVariable(for: .observer): "nope"])
        let started = ContinuousClock.now
        await #expect {
            try await OperatorBus.with(wrong, as: .observer, logger: SeededBus.logger) { try await $0.snapshot() }
        } throws: { error in
            switch error as? OperatorError {
            case .busRefused, .busUnreachable: true
            default: false
            }
        }
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test("an unreachable bus is one clear error within the connect timeout")
    func unreachable() async throws {
        let port = try FreePort.loopback()
        let settings = try OperatorSettings(flags: ["bus.servers": "nats://127.0.0.1:\(port)"], configFile: nil, environment: [:],
                                            connectTimeout: .seconds(1))
        let started = ContinuousClock.now
        await #expect(throws: OperatorError.busUnreachable(servers: ["nats://127.0.0.1:\(port)"], after: .seconds(1))) {
            try await OperatorBus.with(settings, as: .observer, logger: SeededBus.logger) { try await $0.snapshot() }
        }
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(OperatorError.busUnreachable(servers: ["nats://a:1"], after: .seconds(1)).description
            .hasPrefix("cannot reach the bus at nats://a:1 (no answer within 1 s)"))
    }

    @Test("bad configuration names the key")
    func badConfiguration() throws {
        #expect {
            try OperatorSettings(flags: ["bus.servers": "http://x"], configFile: nil, environment: [:]).options(for: .observer)
        } throws: { "\($0)".contains("bus.servers") }
        #expect {
            try OperatorSettings(flags: [:], configFile: "/nonexistent/podguard.yaml", environment: [:])
        } throws: { "\($0)".contains("/nonexistent/podguard.yaml") }
    }
}
