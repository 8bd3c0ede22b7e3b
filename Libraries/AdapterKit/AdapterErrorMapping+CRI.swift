public import Contracts
public import CRI
import GRPCCore

extension AdapterErrorMapping {
    /// A failed CRI call. A runtime that is gone or slow (socket missing, UNAVAILABLE, deadline)
    /// is TRANSIENT; a runtime without the method is UNIMPLEMENTED; the rest is PERMANENT.
    public static func from(_ failure: CRIError, hints: RetryHints) -> Podguard_V1_AdapterError {
        let code = Int32(failure.code?.rawValue ?? 0)
        let message = "CRI \(failure.method): \(failure.message)"
        return switch failure.kind {
        case .unavailable, .transient: error(.transient, message, grpcCode: code, retryAfter: hints.transient)
        case .unimplemented: error(.unimplemented, message, grpcCode: code)
        case .permanent: error(.permanent, message, grpcCode: code)
        }
    }
}
