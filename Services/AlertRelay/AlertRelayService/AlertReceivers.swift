import AlertRelayCore
import Contracts
import Crypto
import Foundation
import SwiftProtobuf

/// Where an Alert goes. A receiver either took the Alert or throws; the relay records each one
/// that took it, so a redelivery goes only to the others.
protocol AlertReceiver: Sendable {
    var name: String { get }
    func deliver(_ alert: Podguard_V1_Alert, now: Date) async throws
}

/// Alertmanager's v2 API on every configured instance: an opener fires its condition until its
/// closer resolves it, every other Alert is an event (`AlertLifecycle`, `AlertmanagerMapping`).
/// Taken when at least one instance accepted the post, as Prometheus counts it; the others are
/// logged, and open conditions reach them with the next re-post.
struct AlertmanagerReceiver: AlertReceiver {
    let name = WebhookReceiver.reservedName
    let urls: [String]
    let mapping: AlertmanagerMapping
    let records: FiringRecords
    let poster: HTTPPoster
    let onInstanceFailure: @Sendable (String, any Error) -> Void

    func deliver(_ alert: Podguard_V1_Alert, now: Date) async throws {
        let lifecycle = AlertLifecycle.of(alert)
        if let condition = lifecycle.opens {
            try await records.open(condition, with: alert) { firing in
                try await post([mapping.condition(condition, opener: alert, firing: firing, now: now)])
            }
            return
        }
        for condition in lifecycle.closes {
            // Resolved when the closer was produced (the condition ended then, however late this
            // is), but not after now.
            let ended = alert.header.hasProducedAt ? min(alert.header.producedAt.date, now) : now
            try await records.close(condition, with: alert) { opener in
                try await post([mapping.condition(condition, opener: opener, firing: false, now: ended)])
            }
        }
        let deliveredAt = try await records.recordEvent(alert, now: now)
        try await post([mapping.event(alert, deliveredAt: deliveredAt)])
    }

    /// Posts everything firing again: Alertmanager keeps it firing, and an instance that restarted
    /// (it holds alerts in memory only) or was down learns of it.
    func repostFiring(now: Date) async throws -> Int {
        let firing = try await records.firing(now: now)
        guard !firing.isEmpty else { return 0 }
        try await post(firing.map { item in
            switch item {
            case .condition(let condition, let opener): mapping.condition(condition, opener: opener, firing: true, now: now)
            case .event(let alert, let deliveredAt): mapping.event(alert, deliveredAt: deliveredAt)
            }
        })
        return firing.count
    }

    private func post(_ alerts: [AlertmanagerAlert]) async throws {
        let body = try AlertmanagerAlert.body(alerts)
        var firstFailure: (any Error)?
        var accepted = false
        for url in urls {
            do {
                try await poster.post(body, to: url + "/api/v2/alerts", headers: [])
                accepted = true
            } catch {
                onInstanceFailure(url, error)
                firstFailure = firstFailure ?? error
            }
        }
        if !accepted, let firstFailure { throw firstFailure }
    }
}

/// A generic webhook: the Alert as JSON (`WebhookPayload`), signed (`WebhookSignature`), with its
/// id as the idempotency key.
struct WebhookAlertReceiver: AlertReceiver {
    let receiver: WebhookReceiver
    let key: SymmetricKey
    let poster: HTTPPoster
    var name: String { receiver.name }

    func deliver(_ alert: Podguard_V1_Alert, now: Date) async throws {
        let body = try WebhookPayload.body(alert, receiver: receiver.name, deliveredAt: now)
        let timestamp = Int64(now.timeIntervalSince1970)
        try await poster.post(body, to: receiver.url, headers: [
            (WebhookSignature.timestampHeader, "\(timestamp)"),
            (WebhookSignature.signatureHeader, WebhookSignature.sign(body: body, timestamp: timestamp, key: key)),
            (WebhookSignature.alertIDHeader, alert.alertID),
        ])
    }

    /// The receiver's HMAC key from its file or variable; a missing or empty one stops the relay
    /// at start (an unsigned webhook would be worse than none).
    static func key(of receiver: WebhookReceiver, environment: [String: String]) throws -> SymmetricKey {
        let secret: String?
        switch receiver.secret {
        case .file(let path):
            secret = try? String(contentsOfFile: path, encoding: .utf8)
        case .environment(let variable):
            secret = environment[variable]
        }
        let trimmed = secret?.trimmingCharacters(in: .newlines) ?? ""
        guard !trimmed.isEmpty else {
            throw SecretMissing(receiver: receiver.name, source: "\(receiver.secret)")
        }
        return SymmetricKey(data: Data(trimmed.utf8))
    }

    struct SecretMissing: Error, CustomStringConvertible {
        var receiver: String
        var source: String
        var description: String { "webhook '\(receiver)': no HMAC key in \(source) (the secret must exist and not be empty)" }
    }
}
