/// A protocol's own name for a `UnixSocketAddress` (`CSIAddress`, `CRIEndpoint`): the same address,
/// parsing with the protocol's error type, so callers keep their types and catch clauses.
public protocol UnixSocketEndpoint: Sendable, Hashable, CustomStringConvertible {
    associatedtype FailureKind: RPCFailureKind
    var socket: UnixSocketAddress { get }
    init(socket: UnixSocketAddress)
}

extension UnixSocketEndpoint {
    /// The filesystem path of the socket.
    public var path: String { socket.path }

    public var description: String { socket.description }

    public init(path: String) {
        self.init(socket: UnixSocketAddress(path: path))
    }

    /// Parses an endpoint (see `UnixSocketAddress.init(parsing:for:)`).
    public init(parsing endpoint: String) throws(RPCCallError<FailureKind>) {
        self.init(socket: try UnixSocketAddress(parsing: endpoint, for: FailureKind.self))
    }
}
