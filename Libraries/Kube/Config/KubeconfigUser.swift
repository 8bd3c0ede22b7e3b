/// `users[].user`: client certificate, token or basic auth (exec/auth-provider plugins are not supported).
public struct KubeconfigUser: Codable, Sendable, Hashable {
    public var clientCertificate: String?
    public var clientCertificateData: String?
    public var clientKey: String?
    public var clientKeyData: String?
    public var token: String?
    public var tokenFile: String?
    public var username: String?
    public var password: String?

    enum CodingKeys: String, CodingKey {
        case clientCertificate = "client-certificate"
        case clientCertificateData = "client-certificate-data"
        case clientKey = "client-key"
        case clientKeyData = "client-key-data"
        case token, tokenFile, username, password
    }
}
