public import GRPCCore
public import UnixGRPC

/// What a failed CSI or podmon call means to the caller (`CSIError.Kind`).
public enum CSIErrorKind: String, RPCFailureKind {
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

    public static let protocolName = "CSI"
    public static var notFoundStatus: Self { .notFound }

    /// podmon's rule comes first: any error whose text ends with "pending" is `.pending`, whatever
    /// its code.
    public init(classifying error: RPCError) {
        self = error.message.hasSuffix("pending") ? .pending : Self.kind(of: error.code)
    }
}
