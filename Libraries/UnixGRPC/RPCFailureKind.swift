public import GRPCCore

/// How one protocol (CSI, CRI) classifies failed calls for its callers' retry decisions. The kinds
/// all protocols share are required here (an enum's cases satisfy them); a gRPC status is classified
/// by `init(classifying:)`, which a protocol overrides where it has a rule of its own.
public protocol RPCFailureKind: Sendable, Hashable {
    /// The protocol's name in messages and log keys ("CSI": "CSI call failed", `csi.method`).
    static var protocolName: String { get }
    /// Worth retrying soon: deadline exceeded, aborted, resource exhausted, internal, unknown.
    static var transient: Self { get }
    /// Retrying the same request will not help.
    static var permanent: Self { get }
    /// The socket is not there or not answering (the server is restarting).
    static var unavailable: Self { get }
    /// The server does not implement the method.
    static var unimplemented: Self { get }
    /// What a NOT_FOUND status means to this protocol's callers.
    static var notFoundStatus: Self { get }

    /// The kind of a gRPC status.
    init(classifying error: RPCError)
}

extension RPCFailureKind {
    public init(classifying error: RPCError) {
        self = Self.kind(of: error.code)
    }

    /// The kind of a gRPC status code, the rule every protocol shares.
    public static func kind(of code: RPCError.Code) -> Self {
        switch code {
        case .notFound: notFoundStatus
        case .unimplemented: unimplemented
        case .unavailable: unavailable
        case .invalidArgument, .failedPrecondition, .permissionDenied, .unauthenticated, .alreadyExists, .outOfRange, .dataLoss:
            permanent
        default:
            // deadlineExceeded, aborted, resourceExhausted, internalError, unknown, cancelled.
            transient
        }
    }
}
