public import AlertRelayCore
import Crypto
public import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// A webhook receiver of the tests' own on 127.0.0.1: every POST to `/hook/<receiver>` is checked
/// against that receiver's key (`WebhookSignature.verify`), recorded, and answered 200; while
/// `refusing` is on it answers 503 and records nothing (a receiver's outage).
public final class WebhookRecorder: Sendable {
    /// One post as it arrived.
    public struct Post: Sendable {
        public var receiver: String
        /// `X-Podguard-Alert-Id`, the idempotency key.
        public var alertID: String
        /// The Alert's id in the body (the envelope's `alert.alert_id`).
        public var bodyAlertID: String
        public var reason: String
        public var severity: String
        /// The remediation the Alert is about (`alert.fence_id`), if any.
        public var fenceID: String
        public var signatureValid: Bool
        /// Every header and the body, as received (the leak test reads them).
        public var raw: String
    }

    public let port: Int
    private let posts = Mutex<[Post]>([])
    private let refusing = Mutex(false)
    private let server: LoopbackHTTPServer

    public var baseURL: String { "http://127.0.0.1:\(port)/hook" }

    /// Every post so far, in arrival order.
    public var received: [Post] { posts.withLock { $0 } }

    /// Answers 503 (true) or 200 (false) from now on.
    public func refuse(_ on: Bool) { refusing.withLock { $0 = on } }

    private init(port: Int, server: LoopbackHTTPServer) {
        self.port = port
        self.server = server
    }

    deinit { server.cancel() }

    /// Stops serving.
    public func stop() { server.cancel() }

    /// Serves the receivers `keys` names (receiver → HMAC key).
    public static func start(keys: [String: String], logger: Logger) async throws -> WebhookRecorder {
        let box = LateBound<WebhookRecorder>()
        let router = Router()
        router.post("hook/:receiver") { request, context -> HTTPResponse.Status in
            guard let recorder = box.value else { return .serviceUnavailable }
            let receiver = context.parameters.get("receiver") ?? ""
            if recorder.refusing.withLock({ $0 }) { return .serviceUnavailable }
            let buffer = try await request.body.collect(upTo: 1 << 20)
            let body = Data(buffer.readableBytesView)
            let header = { (name: String) in HTTPField.Name(name).flatMap { request.headers[$0] } ?? "" }
            let valid = keys[receiver].map { key in
                WebhookSignature.verify(body: body, timestamp: Int64(header(WebhookSignature.timestampHeader)) ?? 0,
                                        signature: header(WebhookSignature.signatureHeader), key: SymmetricKey(data: Data(key.utf8)), now: Date())
            } ?? false
            let envelope = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
            let alert = envelope?["alert"] as? [String: Any]
            recorder.posts.withLock {
                $0.append(Post(receiver: receiver, alertID: header(WebhookSignature.alertIDHeader),
                               bodyAlertID: alert?["alert_id"] as? String ?? "", reason: alert?["reason"] as? String ?? "",
                               severity: alert?["severity"] as? String ?? "", fenceID: alert?["fence_id"] as? String ?? "",
                               signatureValid: valid,
                               raw: request.headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n") + "\n\n"
                                   + String(decoding: body, as: UTF8.self)))
            }
            return .ok
        }
        var quiet = logger
        // Its server's cancellation at the stack's stop is logged as an error otherwise.
        quiet.logLevel = .critical
        let server = try await LoopbackHTTPServer.start("the webhook recorder", responder: router.buildResponder(), logger: quiet)
        let recorder = WebhookRecorder(port: server.port, server: server)
        box.value = recorder
        return recorder
    }
}
