public import Contracts

/// A failed adapter call as fencing reacts to it. Pure classification of the typed reply error
/// (`AdapterError.kind`) and of the bus's own errors (no reply at all).
public enum AdapterFailure: Sendable, Hashable {
    /// Nobody answered, or the driver is unreachable for now: retry, then CSI_UNAVAILABLE.
    case unavailable(String, after: Duration?)
    /// The driver is still working on it: retry after its hint.
    case pending(String, after: Duration?)
    /// The volume or node is unknown to the array.
    case notFound(String)
    /// The driver lacks the call (no podmon extension).
    case unimplemented(String)
    /// Will not succeed by retrying (permanent, invalid request, unclassified).
    case permanent(String)

    public init(_ error: Podguard_V1_AdapterError) {
        let hint: Duration? = error.hasRetryAfter ? Duration(error.retryAfter) : nil
        switch error.kind {
        case .transient: self = .unavailable(error.message, after: hint)
        case .pending: self = .pending(error.message, after: hint)
        case .notFound: self = .notFound(error.message)
        case .unimplemented: self = .unimplemented(error.message)
        case .permanent, .invalidRequest, .unspecified, .UNRECOGNIZED: self = .permanent(error.message)
        }
    }

    public var message: String {
        switch self {
        case .unavailable(let m, _), .pending(let m, _), .notFound(let m), .unimplemented(let m), .permanent(let m): m
        }
    }
}
