import Contracts
import FencingCore
import Kube

/// Whether a failed Kubernetes call is worth retrying later. Pure.
public enum KubeFailure {
    /// 5xx, 429, transport failures and deadlines are transient (the apiserver is overloaded or
    /// unreachable); everything else (forbidden, invalid, ...) will not heal by itself.
    public static func isTransient(_ error: any Error) -> Bool {
        guard let error = error as? KubeError else { return !(error is DecodingError) }
        switch error {
        case .server, .tooManyRequests, .transport, .timeout: return true
        case .notFound, .alreadyExists, .conflict, .gone, .unauthorized, .forbidden, .invalid, .unexpectedStatus, .decoding:
            return false
        }
    }

    /// The apiserver's own retry hint (429 Retry-After).
    public static func retryAfter(_ error: any Error) -> Duration? {
        if case .tooManyRequests(_, let after)? = error as? KubeError { return after }
        return nil
    }

    /// The outcome of a step that failed with `error`: transient (retry) or the step's abort reason.
    static func outcome(_ error: any Error, abort reason: Podguard_V1_AbortReason, doing what: String) -> StepOutcome {
        if isTransient(error) { return .transient(.unavailable, "\(what): \(error)", after: retryAfter(error)) }
        return .failed(reason, "\(what): \(error)")
    }
}
