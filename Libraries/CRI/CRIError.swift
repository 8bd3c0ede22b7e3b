public import GRPCCore

/// A failed CRI call, classified for the caller's retry decision.
public struct CRIError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// The runtime's socket is not there or not answering (runtime restarting): retry soon.
        case unavailable
        /// Worth retrying soon: deadline exceeded, aborted, resource exhausted, internal, unknown.
        case transient
        /// The runtime does not implement the method (an old runtime without runtime.v1).
        case unimplemented
        /// Retrying the same request will not help: invalid argument, permission denied, a
        /// malformed endpoint.
        case permanent
    }

    public var kind: Kind
    /// The gRPC status code, when the error came from gRPC.
    public var code: RPCError.Code?
    /// The method called, e.g. "ListContainers".
    public var method: String
    public var message: String

    public init(kind: Kind, code: RPCError.Code? = nil, method: String, message: String) {
        self.kind = kind
        self.code = code
        self.method = method
        self.message = message
    }

    /// Whether the call ran out of its deadline.
    public var isDeadlineExceeded: Bool { code == .deadlineExceeded }

    public var description: String {
        let status = code.map { " (\($0))" } ?? ""
        return "\(method): \(kind)\(status): \(message)"
    }
}
