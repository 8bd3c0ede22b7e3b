import Foundation

extension KubeError {
    /// Maps an error response (HTTP code and body) to a typed error. The body is normally a
    /// `Status`; when it is not (a proxy's HTML page), one is made up from the code and text.
    public static func from(code: Int, body: Data, retryAfter: Duration? = nil) -> KubeError {
        var status = (try? KubeCodec.decoder().decode(Status.self, from: body)) ?? Status()
        if status.code == nil { status.code = code }
        if status.message == nil {
            status.message = String(decoding: body.prefix(512), as: UTF8.self)
        }
        return from(status: status, httpCode: code, retryAfter: retryAfter)
    }

    /// Maps a `Status` (from a response or a watch ERROR event).
    public static func from(status: Status, httpCode: Int? = nil, retryAfter: Duration? = nil) -> KubeError {
        let code = httpCode ?? status.code ?? 0
        switch (code, status.reason) {
        case (404, _): return .notFound(status)
        case (409, "AlreadyExists"): return .alreadyExists(status)
        case (409, _): return .conflict(status)
        case (410, _), (_, "Expired"), (_, "Gone"): return .gone(status)
        case (401, _): return .unauthorized(status)
        case (403, _): return .forbidden(status)
        case (400, _), (422, _): return .invalid(status)
        case (429, _):
            let after = retryAfter ?? status.details?.retryAfterSeconds.map { Duration.seconds($0) }
            return .tooManyRequests(status, retryAfter: after)
        case (500..., _): return .server(status)
        default: return .unexpectedStatus(status)
        }
    }
}
