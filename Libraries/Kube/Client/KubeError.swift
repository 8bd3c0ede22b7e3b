/// A failed Kubernetes API call, typed by what the caller can do about it, carrying the
/// apiserver's `Status` (its message says why).
public enum KubeError: Error, Sendable, CustomStringConvertible {
    case notFound(Status)
    /// 409 with reason `AlreadyExists` (create of an existing name).
    case alreadyExists(Status)
    /// 409 `Conflict`: stale resourceVersion or failed precondition (uid, resourceVersion).
    case conflict(Status)
    /// 410 `Gone`/`Expired`: the resourceVersion was compacted; relist.
    case gone(Status)
    case unauthorized(Status)
    case forbidden(Status)
    /// 422 `Invalid` (and 400 `BadRequest`): the object or request is wrong; never retried.
    case invalid(Status)
    case tooManyRequests(Status, retryAfter: Duration?)
    /// 5xx after retries.
    case server(Status)
    /// Any other non-success status.
    case unexpectedStatus(Status)
    /// The request did not complete (connection refused/reset, TLS failure, deadline).
    case transport(String)
    /// The response was not the JSON expected.
    case decoding(String)
    /// The call's deadline passed.
    case timeout(String)

    /// The apiserver's `Status` when there was a response.
    public var status: Status? {
        switch self {
        case .notFound(let s), .alreadyExists(let s), .conflict(let s), .gone(let s), .unauthorized(let s),
             .forbidden(let s), .invalid(let s), .tooManyRequests(let s, _), .server(let s), .unexpectedStatus(let s):
            return s
        case .transport, .decoding, .timeout:
            return nil
        }
    }

    /// HTTP status code, when there was a response.
    public var code: Int? { status?.code }

    public var isNotFound: Bool { if case .notFound = self { true } else { false } }
    public var isConflict: Bool { if case .conflict = self { true } else { false } }
    public var isGone: Bool { if case .gone = self { true } else { false } }
    public var isAlreadyExists: Bool { if case .alreadyExists = self { true } else { false } }

    public var description: String {
        switch self {
        case .notFound(let s): return "not found: \(s)"
        case .alreadyExists(let s): return "already exists: \(s)"
        case .conflict(let s): return "conflict: \(s)"
        case .gone(let s): return "gone: \(s)"
        case .unauthorized(let s): return "unauthorized: \(s)"
        case .forbidden(let s): return "forbidden: \(s)"
        case .invalid(let s): return "invalid: \(s)"
        case .tooManyRequests(let s, let after): return "too many requests (retry after \(after.map { "\($0)" } ?? "?")): \(s)"
        case .server(let s): return "server error: \(s)"
        case .unexpectedStatus(let s): return "unexpected status: \(s)"
        case .transport(let m): return "transport error: \(m)"
        case .decoding(let m): return "decoding error: \(m)"
        case .timeout(let m): return "timeout: \(m)"
        }
    }
}
