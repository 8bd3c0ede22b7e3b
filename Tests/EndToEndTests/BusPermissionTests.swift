import ArrayFamily
import Bus
import BusService
import Contracts
import Foundation
import Harness
import Kube
import Logging
import PodguardStack
import SwiftProtobuf
import Testing

/// The bus as production runs it (issue "Installable", item 4): every service is its own NATS user
/// with the permissions `BusTopology.access(for:)` gives it, over TLS with client certificates. The
/// stack's other scenarios prove the services are never refused what they need (each ends by
/// checking the servers' logs); these prove what each is refused.
extension EndToEndTests {
    /// One attempt by a principal at something its permissions do not grant.
    struct Trespass: Sendable, CustomStringConvertible {
        let principal: BusPrincipal
        let what: String
        /// The subject the server names when it refuses.
        let subject: String
        let attempt: @Sendable (BusConnection) async throws -> Void
        var description: String { "\(principal.role) \(what)" }
    }

    /// (ad) Each service is refused what it must not do, by the server: only decision publishes
    /// fence and taint requests; only fencing unpublishes volumes and writes remediation records;
    /// nobody outside decision, fencing and node-cleanup writes fence records; adapters read no
    /// state and cannot pose as another mode's adapter; the observer writes nothing. A forged
    /// FenceRequest with a service's credentials for a Ready pod never reaches fencing: no record,
    /// the pod untouched. An unknown user, a wrong password and a client without a certificate
    /// cannot connect at all.
    @Test func eachServiceIsRefusedWhatItMustNotDo() async throws {
        let stack = try await Self.mainStack()
        try #require(stack.busSecurity != nil, "the main stack runs without bus permissions")
        try await stack.scenario("bus permissions") {
            let namespace = try await stack.makeNamespace("perm")
            let target = stack.nodeNames[1]
            let workload = ProtectedWorkload(name: "pdb", families: [.powerstore], preferredNode: target)
            let pod = try await stack.deploy(workload, namespace: namespace)[0]
            let request = try await stack.forgedFenceRequest(for: pod, family: .powerstore)
            let work = try Podguard_V1_FenceWork(naming: request).serializedBytes() as [UInt8]
            let subjects = stack.topology.subjects
            let fenceSubject = subjects.fenceRequest(target)
            let fenceKey = stack.topology.fencesBucket.subject(forKey: PodguardKeys.fence(podUID: pod.uid))
            let record = [UInt8]("forged".utf8)
            func publish(_ subject: String, _ payload: [UInt8]) -> @Sendable (BusConnection) async throws -> Void {
                { connection in _ = try await connection.jetStream().publish(payload, to: subject, timeout: .seconds(2)) }
            }
            func subscribe(_ subject: String) -> @Sendable (BusConnection) async throws -> Void {
                { connection in
                    let subscription = try connection.subscribe(to: subject)
                    try await connection.flush()
                    try await Task.sleep(for: .milliseconds(300))
                    subscription.unsubscribe()
                }
            }
            let unpublish = subjects.adapterController(family: .powerstore, operation: .controllerUnpublish)
            let trespasses: [Trespass] = [
                Trespass(principal: .watcher, what: "publishes a FenceRequest", subject: fenceSubject, attempt: publish(fenceSubject, work)),
                Trespass(principal: .fencing, what: "publishes a FenceRequest", subject: fenceSubject, attempt: publish(fenceSubject, work)),
                Trespass(principal: .nodeCleanup, what: "publishes a taint request", subject: subjects.taintRequest(target),
                         attempt: publish(subjects.taintRequest(target), [])),
                Trespass(principal: .arrayProber, what: "writes a FenceRecord", subject: fenceKey, attempt: publish(fenceKey, record)),
                Trespass(principal: .watcher, what: "writes a FenceRecord", subject: fenceKey, attempt: publish(fenceKey, record)),
                Trespass(principal: .decision, what: "writes a NodeRemediationRecord",
                         subject: stack.topology.nodeRemediationsBucket.subject(forKey: target),
                         attempt: publish(stack.topology.nodeRemediationsBucket.subject(forKey: target), record)),
                Trespass(principal: .decision, what: "asks an adapter to unpublish a volume", subject: unpublish,
                         attempt: { connection in _ = try await connection.request([], to: unpublish, timeout: .seconds(1)) }),
                Trespass(principal: .controllerAdapter(.powerstore), what: "reads the pods bucket",
                         subject: "$JS.API.STREAM.INFO.KV_\(stack.topology.podsBucket.name)",
                         attempt: { connection in _ = try await connection.jetStream(apiTimeout: .seconds(2)).bindKeyValue(bucket: stack.topology.podsBucket.name) }),
                Trespass(principal: .nodeAdapter(.powerstore), what: "listens to every podguard subject",
                         subject: subjects.everything, attempt: subscribe(subjects.everything)),
                Trespass(principal: .nodeAdapter(.powerstore), what: "poses as the controller adapter",
                         subject: subjects.adapterControllerRequests(family: .powerstore),
                         attempt: subscribe(subjects.adapterControllerRequests(family: .powerstore))),
                Trespass(principal: .observer, what: "publishes an alert", subject: subjects.alert(severity: .critical, reason: "Forged"),
                         attempt: publish(subjects.alert(severity: .critical, reason: "Forged"), [])),
                // The relay delivers Alerts; it raises none, and no remediation is its to start.
                Trespass(principal: .alertRelay, what: "publishes an alert", subject: subjects.alert(severity: .critical, reason: "Forged"),
                         attempt: publish(subjects.alert(severity: .critical, reason: "Forged"), [])),
                Trespass(principal: .alertRelay, what: "publishes a FenceRequest", subject: fenceSubject, attempt: publish(fenceSubject, work)),
            ]
            for (index, trespass) in trespasses.enumerated() {
                let name = "trespass-\(index)"
                let connection = try await stack.connect(as: trespass.principal, name: name)
                do {
                    try await trespass.attempt(connection)
                } catch {
                    // Refused publishes and requests go unanswered: a timeout is expected here.
                }
                try await Wait.until("the server refuses: \(trespass)", timeout: .seconds(10)) {
                    stack.busPermissionDenials(ofServices: false).contains { $0.contains(":\(PodguardStack.testClientPrefix)\(name)") && $0.contains(trespass.subject) }
                } onTimeout: {
                    stack.busPermissionDenials(ofServices: false).suffix(5).joined(separator: "\n")
                }
                await connection.close()
            }

            // The forged requests never reached fencing: no record for the pod, the pod untouched.
            try await Task.sleep(for: .seconds(3))
            try require(stack.auditor.fenceRecords(podUID: pod.uid).isEmpty, "fencing saw the forged request")
            let current = try #require(try await stack.currentPod(pod.name, namespace: namespace))
            try require(current.uid == pod.uid && current.isReady, "the Ready pod was touched")

            // No way in without a known user, its password and a client certificate.
            let security = try #require(stack.busSecurity)
            var strangers: [(String, BusOptions)] = []
            var unknown = security.options(for: .observer, servers: stack.busURLs, name: "e2e-stranger")
            unknown.credentials = .userPassword(user: "podguard-intruder", password: "guess")
            strangers.append(("an unknown user", unknown))
            var wrongPassword = security.options(for: .decision, servers: stack.busURLs, name: "e2e-guesser")
            wrongPassword.credentials = .userPassword(user: stack.topology.userName(for: .decision), password: "guess")
            strangers.append(("a wrong password", wrongPassword))
            var noCertificate = security.options(for: .decision, servers: stack.busURLs, name: "e2e-uncertified")
            noCertificate.tls?.certificateFile = nil
            noCertificate.tls?.keyFile = nil
            strangers.append(("no client certificate", noCertificate))
            for (who, options) in strangers {
                var refused = options
                refused.reconnect.maxAttempts = 0
                refused.connectTimeout = .seconds(2)
                let outcome: String
                do {
                    let connection = try await BusConnection.connect(refused, logger: .init(label: "e2e"))
                    do {
                        try await connection.waitUntilConnected(timeout: .seconds(3))
                        outcome = "connected"
                    } catch {
                        outcome = "refused"
                    }
                    await connection.close()
                } catch {
                    outcome = "refused"
                }
                try require(outcome == "refused", "\(who) connected to the bus")
            }
        }
    }
}
