import Foundation
import Logging

extension KubeClient {
    /// Sends a request with rate limit, auth, retries and metrics; returns a 2xx response or throws
    /// a ``KubeError``. `idempotent` says whether a request that may have reached the server can be
    /// sent again (see ``RetryPolicy``).
    func send(_ base: KubeHTTPRequest, verb: String, resource: String, idempotent: Bool, timeout: Duration?) async throws -> KubeHTTPResponse {
        try await withRetries(base, verb: verb, resource: resource, idempotent: idempotent,
                              deadline: ContinuousClock.now + (timeout ?? configuration.defaultTimeout),
                              exchange: { try await transport.execute($0) }, status: \.status,
                              failure: { ($0.body, $0.header("Retry-After")) })
    }

    /// Opens a streaming response (a watch). Connection set-up is retried like a GET; a non-2xx
    /// answer is read whole and thrown as a ``KubeError`` (410 → `.gone`).
    func openStream(_ base: KubeHTTPRequest, resource: String, deadline: ContinuousClock.Instant) async throws -> KubeHTTPStreamResponse {
        try await withRetries(base, verb: "watch", resource: resource, idempotent: true, deadline: deadline,
                              exchange: { try await transport.stream($0) }, status: \.status,
                              failure: { response in
                                  var body = Data()
                                  for try await chunk in response.body { body.append(chunk) }
                                  return (body, response.headers.first { $0.name.lowercased() == "retry-after" }?.value)
                              })
    }

    /// The request loop both share: rate limit, fresh auth headers, metrics per attempt, one
    /// re-authentication on a 401 (the token file may have rotated), and retries as `RetryPolicy`
    /// decides while they fit before `deadline`.
    private func withRetries<Response>(
        _ base: KubeHTTPRequest, verb: String, resource: String, idempotent: Bool, deadline: ContinuousClock.Instant,
        exchange: (KubeHTTPRequest) async throws -> Response, status: (Response) -> Int,
        failure read: (Response) async throws -> (body: Data, retryAfter: String?)
    ) async throws -> Response {
        var request = base
        request.deadline = deadline
        var attempt = 0
        var reauthenticated = false
        while true {
            try Task.checkCancellation()
            try await rateLimiter.acquire()
            request.headers = try headers(for: base)
            let started = ContinuousClock.now
            let outcome: RetryPolicy.Outcome
            let failure: KubeError
            do {
                let response = try await exchange(request)
                let code = status(response)
                metrics.request(verb: verb, resource: resource, code: String(code), duration: started.duration(to: .now))
                if (200..<300).contains(code) { return response }
                let (body, retryAfterHeader) = try await read(response)
                let retryAfter = RetryPolicy.parseRetryAfter(retryAfterHeader)
                failure = KubeError.from(code: code, body: body, retryAfter: retryAfter)
                if code == 401, !reauthenticated, tokens.invalidate() {
                    reauthenticated = true
                    continue
                }
                outcome = .status(code, retryAfter: retryAfter)
            } catch let error as KubeTransportError {
                metrics.request(verb: verb, resource: resource, code: "transport", duration: started.duration(to: .now))
                switch error {
                case .notSent: outcome = .notSent
                case .connectionLost: outcome = .connectionLost
                case .timedOut(let message): throw KubeError.timeout(message)
                case .failed(let message): throw KubeError.transport(message)
                }
                failure = .transport("\(error)")
            } catch is CancellationError {
                metrics.request(verb: verb, resource: resource, code: "cancelled", duration: started.duration(to: .now))
                throw CancellationError()
            }
            switch configuration.retry.decide(outcome: outcome, attempt: attempt, idempotent: idempotent) {
            case .fail:
                throw failure
            case .retry(let delay):
                guard ContinuousClock.now + delay < deadline else { throw failure }
                logger.debug("retrying request", metadata: ["verb": "\(verb)", "resource": "\(resource)", "attempt": "\(attempt + 1)",
                                                            "delay": "\(delay)", "error": "\(failure)"])
                try await Task.sleep(for: delay)
                attempt += 1
            }
        }
    }

    private func headers(for request: KubeHTTPRequest) throws -> [(name: String, value: String)] {
        var headers = request.headers
        headers.append(("Accept", "application/json"))
        headers.append(("User-Agent", configuration.userAgent))
        if let authorization = try tokens.authorization() {
            headers.append(("Authorization", authorization))
        }
        return headers
    }

    /// Decodes a response body as `T`, mapping failures to ``KubeError/decoding(_:)``.
    func decodeObject<T: KubeResource>(_ type: T.Type, from response: KubeHTTPResponse) throws -> T {
        do {
            return try T.fromWire(JSONValue(data: response.body))
        } catch {
            throw KubeError.decoding("\(T.resource.kind): \(error)")
        }
    }

    func encodeBody(_ value: JSONValue) throws -> Data {
        do {
            return try value.encoded()
        } catch {
            throw KubeError.decoding("cannot encode request body: \(error)")
        }
    }
}
