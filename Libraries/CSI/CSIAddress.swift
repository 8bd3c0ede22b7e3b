public import UnixGRPC

/// Where a CSI driver listens: a unix socket path, parsed from `unix:///var/run/csi/csi.sock`,
/// `unix:/var/run/csi/csi.sock` (podmon's `--csisock`) or a bare absolute path; anything else is a
/// permanent `CSIError`.
public struct CSIAddress: UnixSocketEndpoint {
    public typealias FailureKind = CSIErrorKind
    public let socket: UnixSocketAddress

    public init(socket: UnixSocketAddress) {
        self.socket = socket
    }
}
