import Foundation
import Synchronization

/// The bearer token of a client, re-read from its file when it may have rotated.
///
/// Service-account tokens projected into pods are rotated by the kubelet (hourly by default);
/// client-go re-reads the file every minute. This does the same, and also forgets the cached
/// token after a 401 so that the very next request reads the file again.
public final class BearerTokenSource: Sendable {
    private struct State {
        var token: String?
        var readAt: ContinuousClock.Instant?
    }

    private let credentials: Credentials
    private let state = Mutex(State())
    private let readFile: @Sendable (String) throws -> String

    public init(credentials: Credentials, readFile: @escaping @Sendable (String) throws -> String = BearerTokenSource.readTokenFile) {
        self.credentials = credentials
        self.readFile = readFile
    }

    /// The `Authorization` header value, or `nil` when the client authenticates otherwise.
    public func authorization(now: ContinuousClock.Instant = .now) throws -> String? {
        switch credentials {
        case .none:
            return nil
        case .bearerToken(let token):
            return "Bearer \(token)"
        case .basic(let username, let password):
            return "Basic \(Data("\(username):\(password)".utf8).base64EncodedString())"
        case .tokenFile(let path, let interval):
            let cached: String? = state.withLock { state in
                guard let token = state.token, let readAt = state.readAt, now - readAt < interval else { return nil }
                return token
            }
            if let cached { return "Bearer \(cached)" }
            let token = try readFile(path)
            state.withLock { $0 = State(token: token, readAt: now) }
            return "Bearer \(token)"
        }
    }

    /// Forgets the cached token (after a 401). Returns whether re-reading could help.
    @discardableResult
    public func invalidate() -> Bool {
        guard case .tokenFile = credentials else { return false }
        state.withLock { $0 = State() }
        return true
    }

    public static func readTokenFile(_ path: String) throws -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            throw KubeConfigError.unreadable(path: path, reason: "\(error)")
        }
    }
}
