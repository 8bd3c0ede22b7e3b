/// A unix socket path a gRPC client dials. Parses the forms found in the wild:
/// `unix:///run/x.sock`, `unix:/run/x.sock` (podmon's `--csisock`) and a bare absolute path. gRPC's
/// own resolver does not strip the `unix:` prefix, so it is done here.
public struct UnixSocketAddress: Sendable, Hashable, CustomStringConvertible {
    /// The filesystem path of the socket.
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// Parses an endpoint of `FailureKind`'s protocol. TCP endpoints and relative paths are refused
    /// as permanent failures: podguard only talks to servers on its node-local sockets.
    public init<FailureKind: RPCFailureKind>(parsing endpoint: String,
                                             for _: FailureKind.Type) throws(RPCCallError<FailureKind>) {
        let name = FailureKind.protocolName
        var rest = Substring(endpoint)
        if rest.hasPrefix("unix://") {
            rest = rest.dropFirst("unix://".count)
        } else if rest.hasPrefix("unix:") {
            rest = rest.dropFirst("unix:".count)
        } else if rest.contains("://") {
            throw RPCCallError(kind: .permanent, method: "connect",
                               message: "unsupported \(name) endpoint \(endpoint): only unix sockets are supported")
        }
        guard rest.hasPrefix("/") else {
            throw RPCCallError(kind: .permanent, method: "connect",
                               message: "\(name) endpoint \(endpoint) is not an absolute unix socket path")
        }
        self.path = String(rest)
    }

    public var description: String { "unix://\(path)" }
}
