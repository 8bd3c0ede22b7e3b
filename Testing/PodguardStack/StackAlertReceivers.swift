import Foundation
public import Harness
import Logging

/// Where the stack's alert-relay delivers (`configuration.alertRelay`): a real Alertmanager and
/// the tests' webhook receiver `ops` (every Alert, signed with a key of this stack's).
public final class StackAlertReceivers: Sendable {
    public let alertmanager: AlertmanagerProcess
    public let webhooks: WebhookRecorder
    /// The name of the webhook receiver every Alert goes to.
    public static let webhookName = "ops"
    let keyFile: URL
    /// The webhook's HMAC key, as alert-relay reads it from its file.
    public var webhookKey: String { (try? String(contentsOf: keyFile, encoding: .utf8)) ?? "" }

    private init(alertmanager: AlertmanagerProcess, webhooks: WebhookRecorder, keyFile: URL) {
        self.alertmanager = alertmanager
        self.webhooks = webhooks
        self.keyFile = keyFile
    }

    static func start(directory: URL, logger: Logger) async throws -> StackAlertReceivers {
        let key = "stack-hook-\(UUID().uuidString)"
        let keyFile = directory.appendingPathComponent("webhook-\(webhookName).key")
        try key.write(to: keyFile, atomically: true, encoding: .utf8)
        let alertmanager = try await AlertmanagerProcess.start()
        do {
            let webhooks = try await WebhookRecorder.start(keys: [webhookName: key], logger: logger)
            return StackAlertReceivers(alertmanager: alertmanager, webhooks: webhooks, keyFile: keyFile)
        } catch {
            alertmanager.remove()
            throw error
        }
    }

    /// The relay's flags for these receivers (short retries and re-posts, as the stack's other timings).
    var relayFlags: [String] {
        ["--relay.alertmanager.urls", alertmanager.url,
         "--relay.webhooks", "name=\(Self.webhookName) url=\(webhooks.baseURL)/\(Self.webhookName) secretFile=\(keyFile.path)",
         "--relay.retryInitialDelay", "200ms", "--relay.retryMaxDelay", "2s", "--relay.alertmanager.resendInterval", "5s"]
    }

    func stop() {
        alertmanager.remove()
        webhooks.stop()
    }
}
