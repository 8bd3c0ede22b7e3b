/// A request that got no HTTP response, classified for the retry policy.
public enum KubeTransportError: Error, Sendable, CustomStringConvertible {
    /// No connection: the request provably never reached the server (refused, connect timeout).
    case notSent(String)
    /// The connection broke after the request was (maybe) written.
    case connectionLost(String)
    /// The deadline passed.
    case timedOut(String)
    /// Nothing a retry would fix (TLS verification, bad URL).
    case failed(String)

    public var description: String {
        switch self {
        case .notSent(let m): return "not sent: \(m)"
        case .connectionLost(let m): return "connection lost: \(m)"
        case .timedOut(let m): return "timed out: \(m)"
        case .failed(let m): return "failed: \(m)"
        }
    }
}
