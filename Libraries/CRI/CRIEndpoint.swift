/// Where a container runtime serves the CRI: a unix socket path. Accepts the forms kubelet and
/// crictl accept for local runtimes — `unix:///run/containerd/containerd.sock`,
/// `unix:/run/containerd/containerd.sock` and a bare absolute path. gRPC's resolver does not strip
/// the `unix://` prefix, so it is done here.
public struct CRIEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// containerd's socket: what the adapters use unless configured otherwise.
    public static let containerd = CRIEndpoint(path: "/run/containerd/containerd.sock")
    /// CRI-O's socket.
    public static let crio = CRIEndpoint(path: "/run/crio/crio.sock")

    /// The filesystem path of the socket.
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// Parses an endpoint. TCP endpoints and relative paths are refused: podguard talks to the
    /// runtime of its own node only, on its local socket.
    public init(parsing endpoint: String) throws(CRIError) {
        var rest = Substring(endpoint)
        if rest.hasPrefix("unix://") {
            rest = rest.dropFirst("unix://".count)
        } else if rest.hasPrefix("unix:") {
            rest = rest.dropFirst("unix:".count)
        } else if rest.contains("://") {
            throw CRIError(kind: .permanent, method: "connect",
                           message: "unsupported CRI endpoint \(endpoint): only unix sockets are supported")
        }
        guard rest.hasPrefix("/") else {
            throw CRIError(kind: .permanent, method: "connect",
                           message: "CRI endpoint \(endpoint) is not an absolute unix socket path")
        }
        self.path = String(rest)
    }

    public var description: String { "unix://\(path)" }
}
