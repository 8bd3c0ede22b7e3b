/// How to trust the apiserver and how to prove who we are with a client certificate.
/// PEM bytes, whether they came from a file or from base64 `*-data` in a kubeconfig.
public struct TLSSettings: Sendable, Hashable {
    /// CA bundle to trust; `nil` uses the system roots.
    public var caPEM: [UInt8]?
    public var clientCertificatePEM: [UInt8]?
    public var clientKeyPEM: [UInt8]?
    /// kubeconfig's `insecure-skip-tls-verify`: no server verification at all (tests only).
    public var insecureSkipVerify: Bool = false
    /// kubeconfig's `tls-server-name`: the name to verify instead of the URL's host.
    public var serverName: String?

    public init(caPEM: [UInt8]? = nil, clientCertificatePEM: [UInt8]? = nil, clientKeyPEM: [UInt8]? = nil, insecureSkipVerify: Bool = false) {
        self.caPEM = caPEM
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
        self.insecureSkipVerify = insecureSkipVerify
    }
}
