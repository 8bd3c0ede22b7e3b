import AlertRelayCore
import Contracts
import Crypto
import Foundation
import Harness
import Testing

@Suite("Webhook receivers")
struct WebhookTests {
    @Test("a receiver's entry, every field")
    func parse() throws {
        let receiver = try WebhookReceiver.parse(
            "name=ops url=https://hooks.example/podguard secretFile=/etc/podguard/hooks/ops severity=warning|critical reasons=FenceAborted|CleanupBlocked excludeReasons=TestAlert")
        #expect(receiver == WebhookReceiver(name: "ops", url: "https://hooks.example/podguard", secret: .file("/etc/podguard/hooks/ops"),
                                            filter: AlertFilter(severities: [.warning, .critical], reasons: ["FenceAborted", "CleanupBlocked"],
                                                                excludedReasons: ["TestAlert"])))
        #expect(try WebhookReceiver.parse("name=a url=http://127.0.0.1:9/x secretEnv=HOOK_KEY").secret == .environment("HOOK_KEY"))
    }

    @Test("every mistake is named", arguments: [
        ("url=http://x secretEnv=K", "name= is required"),
        ("name=Ops url=http://x secretEnv=K", "must be lower-case"),
        ("name=alertmanager url=http://x secretEnv=K", "not 'alertmanager'"),
        ("name=a url=ftp://x secretEnv=K", "http:// or https://"),
        ("name=a url=http://x", "exactly one of secretFile= or secretEnv="),
        ("name=a url=http://x secretEnv=K secretFile=/f", "exactly one of"),
        ("name=a url=http://x secretEnv=K severity=loud", "unknown severity 'loud'"),
        ("name=a url=http://x secretEnv=K colour=red", "unknown field 'colour'"),
        ("name=a name=b url=http://x secretEnv=K", "'name' given twice"),
        ("name=a url=http://x secretEnv=K oops", "'oops' is not key=value"),
    ])
    func mistakes(_ entry: String, _ message: String) {
        #expect {
            _ = try WebhookReceiver.parse(entry)
        } throws: { error in
            "\(error)".contains(message) && "\(error)".contains(entry)
        }
    }

    @Test("the filter: severities, reasons, exclusions")
    func filter() {
        let filter = AlertFilter(severities: [.critical], reasons: nil, excludedReasons: ["FencedVolumeRepublished"])
        #expect(filter.accepts(makeAlert("FenceAborted", severity: .critical)))
        #expect(!filter.accepts(makeAlert("FenceAborted", severity: .warning)))
        #expect(!filter.accepts(makeAlert("FencedVolumeRepublished", severity: .critical)))
        #expect(AlertFilter().accepts(makeAlert("Anything")))
    }

    @Test("the signature is HMAC-SHA256 of '<timestamp>.<body>', as openssl computes it; verify refuses tampering and replays")
    func signature() async throws {
        let key = "s3cret-key"
        let body = Data(#"{"alert":{"reason":"FenceAborted"}}"#.utf8)
        let timestamp: Int64 = 1_700_000_000
        let signature = WebhookSignature.sign(body: body, timestamp: timestamp, key: SymmetricKey(data: Data(key.utf8)))
        let message = FileManager.default.temporaryDirectory.appendingPathComponent("podguard-hmac-\(UUID().uuidString)")
        try (Data("\(timestamp).".utf8) + body).write(to: message)
        defer { try? FileManager.default.removeItem(at: message) }
        let openssl = try await ChildProcess.run(URL(fileURLWithPath: "/usr/bin/openssl"), ["dgst", "-sha256", "-hmac", key, "-r", message.path])
        let expected = String(openssl.output.prefix { $0 != " " })
        #expect(signature == "sha256=\(expected)")
        let symmetric = SymmetricKey(data: Data(key.utf8))
        let now = Date(timeIntervalSince1970: TimeInterval(timestamp) + 10)
        #expect(WebhookSignature.verify(body: body, timestamp: timestamp, signature: signature, key: symmetric, now: now))
        #expect(!WebhookSignature.verify(body: body + Data(" ".utf8), timestamp: timestamp, signature: signature, key: symmetric, now: now))
        #expect(!WebhookSignature.verify(body: body, timestamp: timestamp + 1, signature: signature, key: symmetric, now: now))
        #expect(!WebhookSignature.verify(body: body, timestamp: timestamp, signature: signature, key: SymmetricKey(data: Data("other".utf8)), now: now))
        #expect(!WebhookSignature.verify(body: body, timestamp: timestamp, signature: signature, key: symmetric,
                                         now: now.addingTimeInterval(3600)), "a replay an hour later")
        #expect(!WebhookSignature.verify(body: body, timestamp: timestamp, signature: "sha256=zz", key: symmetric, now: now))
    }

    @Test("the payload: the Alert in the contract's JSON, the envelope, the condition it opens or closes")
    func payload() throws {
        let alert = makeAlert("FenceRequested", id: "f1.requested", fence: "f1")
        let body = try WebhookPayload.body(alert, receiver: "ops", deliveredAt: Date(timeIntervalSince1970: 0))
        let json = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        #expect(json["version"] as? Int == 1 && json["receiver"] as? String == "ops")
        #expect((json["alert"] as? [String: Any])?["alert_id"] as? String == "f1.requested")
        #expect((json["alert"] as? [String: Any])?["fence_id"] as? String == "f1")
        #expect(json["condition"] as? [String: String] == ["kind": "remediation", "subject": "f1", "state": "opened"])
        let event = try WebhookPayload.body(makeAlert("TestAlert"), receiver: "ops", deliveredAt: Date())
        #expect((try JSONSerialization.jsonObject(with: event) as? [String: Any])?["condition"] == nil)
    }
}
