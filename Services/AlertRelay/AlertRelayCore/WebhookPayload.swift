public import Contracts
public import Foundation
import SwiftProtobuf

/// The JSON a webhook receives: the Alert in the contract's JSON form (proto field names, enum
/// value names) with what the relay knows of it. Receivers decode it without podguard's code.
public enum WebhookPayload {
    /// Version of this envelope (not of the Alert, whose schema is proto/podguard/v1/alert.proto).
    public static let version = 1

    /// `{"version":1,"receiver":…,"deliveredAt":…,"condition":{…}?,"alert":{…}}`, keys sorted.
    public static func body(_ alert: Podguard_V1_Alert, receiver: String, deliveredAt: Date) throws -> Data {
        var options = JSONEncodingOptions()
        options.preserveProtoFieldNames = true
        let alertJSON = try alert.jsonString(options: options)
        var envelope: [String: Any] = [
            "version": version,
            "receiver": receiver,
            "deliveredAt": AlertmanagerAlert.timestamp(deliveredAt),
            "alert": try JSONSerialization.jsonObject(with: Data(alertJSON.utf8)),
        ]
        let lifecycle = AlertLifecycle.of(alert)
        if let opened = lifecycle.opens {
            envelope["condition"] = ["kind": opened.kind.rawValue, "subject": opened.subject, "state": "opened"]
        } else if let closed = lifecycle.closes.first {
            envelope["condition"] = ["kind": closed.kind.rawValue, "subject": closed.subject, "state": "closed"]
        }
        return try JSONSerialization.data(withJSONObject: envelope, options: [.sortedKeys])
    }
}
