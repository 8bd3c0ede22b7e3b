import CNATS

/// Everything the bus library throws. Each case names what was being done, so a log line is enough
/// to act on it.
public enum BusError: Error, Sendable, Equatable, CustomStringConvertible {
    /// nats.c refused an operation; `status` is its status text, `detail` its last error text.
    case nats(operation: String, status: String, detail: String)
    /// A request got no reply in time.
    case timeout(subject: String, after: Duration)
    /// Nobody listens on the subject a request went to (the server said "no responders").
    case noResponders(subject: String)
    /// The connection is closed or draining; nothing more can be sent on it.
    case connectionClosed
    /// A JetStream API call failed; `errorCode` is the server's `err_code` (for example 10071).
    case jetStream(operation: String, code: Int, errorCode: Int, description: String)
    /// A KeyValue compare-and-set lost: the key's revision is no longer `expected`.
    case wrongLastRevision(key: String, expected: UInt64)
    /// `create` on a KeyValue key that already holds a value.
    case keyExists(key: String)
    /// The options or arguments cannot work (an empty subject, a key with a space, ...).
    case invalidArgument(String)
    /// A payload is not a valid encoding of the protobuf message expected on its subject.
    case undecodable(subject: String, type: String, reason: String)

    public var description: String {
        switch self {
        case .nats(let operation, let status, let detail):
            return detail.isEmpty ? "\(operation): \(status)" : "\(operation): \(status) (\(detail))"
        case .timeout(let subject, let after):
            return "request on \(subject) timed out after \(after)"
        case .noResponders(let subject):
            return "no responders on \(subject)"
        case .connectionClosed:
            return "the bus connection is closed"
        case .jetStream(let operation, let code, let errorCode, let description):
            return "\(operation): JetStream error \(code)/\(errorCode): \(description)"
        case .wrongLastRevision(let key, let expected):
            return "key \(key) is no longer at revision \(expected)"
        case .keyExists(let key):
            return "key \(key) already exists"
        case .invalidArgument(let text):
            return text
        case .undecodable(let subject, let type, let reason):
            return "payload on \(subject) is not a valid \(type): \(reason)"
        }
    }
}

extension BusError {
    /// Turns a nats.c status into a thrown error, with nats.c's own last error text attached.
    static func check(_ status: natsStatus, _ operation: @autoclosure () -> String) throws(BusError) {
        guard status != NATS_OK else { return }
        throw BusError.from(status, operation())
    }

    static func from(_ status: natsStatus, _ operation: String) -> BusError {
        if status == NATS_CONNECTION_CLOSED { return .connectionClosed }
        let statusText = String(cString: natsStatus_GetText(status))
        var lastStatus = NATS_OK
        let detail = nats_GetLastError(&lastStatus).map { String(cString: $0) } ?? ""
        return .nats(operation: operation, status: statusText, detail: detail == statusText ? "" : detail)
    }
}
