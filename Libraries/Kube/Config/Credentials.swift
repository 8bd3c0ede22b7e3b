/// Who the client is, besides a client certificate.
public enum Credentials: Sendable, Hashable {
    case none
    /// A fixed bearer token (kubeconfig `token`).
    case bearerToken(String)
    /// A token file re-read when it may have rotated: every `reReadInterval`, and at once after a
    /// 401 (kubeconfig `tokenFile`, the in-cluster service-account token).
    case tokenFile(path: String, reReadInterval: Duration)
    /// Basic auth (kubeconfig `username`/`password`; rare, kept for completeness).
    case basic(username: String, password: String)
}
