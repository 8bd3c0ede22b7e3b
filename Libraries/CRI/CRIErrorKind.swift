public import UnixGRPC

/// What a failed CRI call means to the caller (`CRIError.Kind`).
public enum CRIErrorKind: String, RPCFailureKind {
    /// The runtime's socket is not there or not answering (runtime restarting): retry soon.
    case unavailable
    /// Worth retrying soon: deadline exceeded, aborted, resource exhausted, internal, unknown.
    case transient
    /// The runtime does not implement the method (an old runtime without runtime.v1).
    case unimplemented
    /// Retrying the same request will not help: invalid argument, permission denied, not found, a
    /// malformed endpoint.
    case permanent

    public static let protocolName = "CRI"
    public static var notFoundStatus: Self { .permanent }
}
