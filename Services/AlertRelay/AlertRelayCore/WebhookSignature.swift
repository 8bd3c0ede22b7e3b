public import Crypto
public import Foundation

/// How a webhook body is signed, so a receiver can tell podguard's posts from anyone's and refuse
/// replays: `X-Podguard-Signature: sha256=<hex HMAC-SHA256(key, "<timestamp>.<body>")>` with the
/// timestamp (Unix seconds) in `X-Podguard-Timestamp`. docs/alert-relay.md shows a receiver's check.
public enum WebhookSignature {
    public static let signatureHeader = "X-Podguard-Signature"
    public static let timestampHeader = "X-Podguard-Timestamp"
    /// The idempotency key: the Alert's id. A receiver that saw it already has this Alert.
    public static let alertIDHeader = "X-Podguard-Alert-Id"

    public static func sign(body: Data, timestamp: Int64, key: SymmetricKey) -> String {
        var message = Data("\(timestamp).".utf8)
        message.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: key)
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `signature` signs `body` at `timestamp`, and the timestamp is within `tolerance` of
    /// `now` (an old post replayed is refused). Constant-time in the signature.
    public static func verify(body: Data, timestamp: Int64, signature: String, key: SymmetricKey, now: Date,
                              tolerance: TimeInterval = 300) -> Bool {
        guard abs(now.timeIntervalSince1970 - TimeInterval(timestamp)) <= tolerance,
              signature.hasPrefix("sha256="), let mac = Data(hexadecimal: String(signature.dropFirst(7))) else { return false }
        var message = Data("\(timestamp).".utf8)
        message.append(body)
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: message, using: key)
    }
}

/// A short stable name for a text in bucket keys: hex of its SHA-256, cut to 32 characters
/// (alert ids and node names may hold characters keys may not).
public enum KeyDigest {
    public static func of(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).prefix(16).map { String(format: "%02x", $0) }.joined()
    }
}

extension Data {
    /// Bytes of an even-length hex string; nil for anything else.
    init?(hexadecimal text: String) {
        guard text.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count / 2)
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        self.init(bytes)
    }
}
