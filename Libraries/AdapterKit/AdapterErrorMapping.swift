public import Contracts
public import CSI
import GRPCCore

/// How failures become the contract's typed `AdapterError`. Pure.
public enum AdapterErrorMapping {
    /// The suggested waits carried in `retry_after`.
    public struct RetryHints: Sendable, Hashable {
        /// For TRANSIENT (socket down, deadline exceeded, ...).
        public var transient: Duration
        /// For PENDING: the pending rule's wait.
        public var pending: Duration

        public init(transient: Duration, pending: Duration) {
            self.transient = transient
            self.pending = pending
        }
    }

    /// An error of `kind` with a message, the gRPC status number (0: not a gRPC status) and,
    /// optionally, a wait before retrying.
    public static func error(_ kind: Podguard_V1_AdapterError.Kind, _ message: String, grpcCode: Int32 = 0,
                             retryAfter: Duration? = nil) -> Podguard_V1_AdapterError {
        var error = Podguard_V1_AdapterError()
        error.kind = kind
        error.message = message
        error.grpcCode = grpcCode
        if let retryAfter { error.retryAfter = retryAfter.protobuf }
        return error
    }

    /// The request itself is wrong: a bug or missing data, not worth retrying.
    public static func invalidRequest(_ message: String) -> Podguard_V1_AdapterError {
        error(.invalidRequest, message)
    }

    /// A failed CSI or podmon call. An unreachable driver (socket gone, gRPC UNAVAILABLE) is
    /// TRANSIENT, as are deadline and abort; "…pending" is PENDING whatever its code (podmon's rule).
    public static func from(_ failure: CSIError, hints: RetryHints) -> Podguard_V1_AdapterError {
        let code = Int32(failure.code?.rawValue ?? 0)
        let message = "\(failure.method): \(failure.message)"
        return switch failure.kind {
        case .transient, .unavailable: error(.transient, message, grpcCode: code, retryAfter: hints.transient)
        case .pending: error(.pending, message, grpcCode: code, retryAfter: hints.pending)
        case .permanent: error(.permanent, message, grpcCode: code)
        case .notFound: error(.notFound, message, grpcCode: code)
        case .unimplemented: error(.unimplemented, message, grpcCode: code)
        }
    }

    /// The metric label of a kind (`none` for success).
    public static func label(_ kind: Podguard_V1_AdapterError.Kind?) -> String {
        guard let kind else { return "none" }
        return switch kind {
        case .unspecified: "unspecified"
        case .transient: "transient"
        case .pending: "pending"
        case .permanent: "permanent"
        case .notFound: "not-found"
        case .invalidRequest: "invalid-request"
        case .unimplemented: "unimplemented"
        case .UNRECOGNIZED(let value): "unrecognized-\(value)"
        }
    }
}
