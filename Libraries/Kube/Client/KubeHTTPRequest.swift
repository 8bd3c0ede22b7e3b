import Foundation

/// One HTTP request to the apiserver, independent of the HTTP library (so the transport can be
/// replaced, e.g. by a stub in the one test that needs a misbehaving server).
public struct KubeHTTPRequest: Sendable {
    public enum Method: String, Sendable {
        case GET, POST, PUT, PATCH, DELETE
    }

    public var method: Method
    /// Path below the server URL, starting with `/`.
    public var path: String
    public var query: [(name: String, value: String)]
    public var headers: [(name: String, value: String)]
    public var body: Data?
    /// When the whole exchange must be over.
    public var deadline: ContinuousClock.Instant?

    public init(method: Method, path: String, query: [(name: String, value: String)] = [], headers: [(name: String, value: String)] = [], body: Data? = nil, deadline: ContinuousClock.Instant? = nil) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.deadline = deadline
    }

    /// Path and percent-encoded query string.
    public var target: String {
        guard !query.isEmpty else { return path }
        var components = URLComponents()
        components.queryItems = query.map { URLQueryItem(name: $0.name, value: $0.value) }
        // URLComponents leaves '+' alone, which a Go server decodes as a space (label selectors!).
        let encoded = (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        return "\(path)?\(encoded)"
    }
}
