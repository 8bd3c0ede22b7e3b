/// Where a CSI driver listens: a unix socket path. Accepts the forms found in the wild:
/// `unix:///var/run/csi/csi.sock`, `unix:/var/run/csi/csi.sock` (podmon's `--csisock`) and a bare
/// absolute path. gRPC's own resolver does not strip the CSI-style prefix, so it is done here.
public struct CSIAddress: Sendable, Hashable, CustomStringConvertible {
    /// The filesystem path of the socket.
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// Parses a CSI endpoint. Throws for TCP endpoints and empty paths: podguard only talks to the
    /// driver on its node-local socket.
    public init(parsing endpoint: String) throws(CSIError) {
        var rest = Substring(endpoint)
        if rest.hasPrefix("unix://") {
            rest = rest.dropFirst("unix://".count)
        } else if rest.hasPrefix("unix:") {
            rest = rest.dropFirst("unix:".count)
        } else if rest.contains("://") {
            throw CSIError(kind: .permanent, method: "connect",
                           message: "unsupported CSI endpoint \(endpoint): only unix sockets are supported")
        }
        guard rest.hasPrefix("/") else {
            throw CSIError(kind: .permanent, method: "connect",
                           message: "CSI endpoint \(endpoint) is not an absolute unix socket path")
        }
        self.path = String(rest)
    }

    public var description: String { "unix://\(path)" }
}
