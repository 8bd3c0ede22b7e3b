public import GRPCCore
public import GRPCNIOTransportHTTP2
public import Logging

/// A gRPC protocol served on a unix socket (CSI, CRI): its endpoint and error types, how its
/// client is configured, and its log label.
public protocol UnixGRPCProtocol: Sendable {
    associatedtype FailureKind: RPCFailureKind
    associatedtype Endpoint: UnixSocketEndpoint where Endpoint.FailureKind == FailureKind
    associatedtype Configuration: Sendable, Hashable
    static var loggerLabel: String { get }
    static var defaultConfiguration: Configuration { get }
    static func connectionOptions(_ configuration: Configuration) -> UnixGRPCConnectionOptions
}

/// The client of one `UnixGRPCProtocol` server (`CSIClient`, `CRIClient`). The connection is owned
/// by `run()`, which the owner runs for the client's lifetime (or use `withClient`): the core
/// reconnects by itself when the socket disappears and comes back (a restart replaces the socket
/// file); every call has a deadline and throws the protocol's classified error.
public final class UnixServiceClient<Protocol: UnixGRPCProtocol>: ConnectionRunning {
    public let endpoint: Protocol.Endpoint
    public let configuration: Protocol.Configuration
    public let core: UnixGRPCClient<Protocol.FailureKind>
    package var grpc: GRPCClient<HTTP2ClientTransport.Posix> { core.grpc }

    public init(endpoint: Protocol.Endpoint, configuration: Protocol.Configuration = Protocol.defaultConfiguration,
                logger: Logger = Logger(label: Protocol.loggerLabel)) throws(RPCCallError<Protocol.FailureKind>) {
        self.endpoint = endpoint
        self.configuration = configuration
        self.core = try UnixGRPCClient(socket: endpoint.socket, options: Protocol.connectionOptions(configuration), logger: logger)
    }

    /// Maintains the connection until `shutdown()` (returns normally) or cancellation.
    public func run() async throws {
        try await core.run()
    }

    /// Stops accepting calls and lets `run()` return once in-flight calls finish.
    public func shutdown() {
        core.shutdown()
    }

    /// Runs one call with its deadline (the configured default when nil) and classifies its failure.
    package func call<Response: Sendable>(
        _ method: String, deadline: Duration?, _ body: (CallOptions) async throws -> Response
    ) async throws(RPCCallError<Protocol.FailureKind>) -> Response {
        try await core.call(method, deadline: deadline, body)
    }

    /// Creates a client, runs its connection for the duration of `body`, then shuts it down.
    public static func withClient<Result: Sendable>(
        endpoint: Protocol.Endpoint, configuration: Protocol.Configuration = Protocol.defaultConfiguration,
        logger: Logger = Logger(label: Protocol.loggerLabel), _ body: (UnixServiceClient) async throws -> Result
    ) async throws -> Result {
        try await UnixServiceClient(endpoint: endpoint, configuration: configuration, logger: logger).whileConnected(body)
    }
}
