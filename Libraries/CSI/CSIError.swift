public import GRPCCore

/// A failed CSI or podmon call, classified for the caller's retry decision.
public struct CSIError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// Worth retrying soon: deadline exceeded, aborted, resource exhausted, internal, unknown.
        case transient
        /// The driver said the operation is still in progress: the message ends with "pending"
        /// (podmon retries these, 30 s apart).
        case pending
        /// Retrying the same request will not help: invalid argument, failed precondition, ...
        case permanent
        /// The volume or node does not exist (for unpublish calls: already done).
        case notFound
        /// The driver does not implement the method (e.g. no podmon extension).
        case unimplemented
        /// The driver's socket is not there or not answering (driver restarting, not leader yet).
        case unavailable
    }

    public var kind: Kind
    /// The gRPC status code, when the error came from gRPC.
    public var code: RPCError.Code?
    /// The method called, e.g. "ControllerUnpublishVolume".
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
