public import UnixGRPC

/// Where a container runtime serves the CRI: a unix socket path, parsed from the forms kubelet and
/// crictl accept for local runtimes (`unix:///run/containerd/containerd.sock`,
/// `unix:/run/containerd/containerd.sock`, a bare absolute path); anything else is a permanent
/// `CRIError`.
public struct CRIEndpoint: UnixSocketEndpoint {
    public typealias FailureKind = CRIErrorKind
    /// containerd's socket: what the adapters use unless configured otherwise.
    public static let containerd = CRIEndpoint(path: "/run/containerd/containerd.sock")
    /// CRI-O's socket.
    public static let crio = CRIEndpoint(path: "/run/crio/crio.sock")

    public let socket: UnixSocketAddress

    public init(socket: UnixSocketAddress) {
        self.socket = socket
    }
}
