import GRPCCore
import GRPCNIOTransportHTTP2
public import Logging
@_exported public import UnixGRPC  // CRIError and CRIEndpoint are UnixGRPC types: their members come with CRI

/// A client of the node's container runtime (CRI `runtime.v1.RuntimeService`) over its unix socket.
///
/// The connection and call discipline are `UnixGRPCClient`'s (see `UnixGRPCServiceClient`): a
/// runtime restart replaces the socket file and the client reconnects by itself; every call has a
/// deadline and throws a classified `CRIError`. podmon dials a new client for every cleanup cycle;
/// one long-lived client that reconnects does the same job without the dial delays.
public final class CRIClient: UnixGRPCServiceClient {
    public let endpoint: CRIEndpoint
    public let configuration: CRIClientConfiguration
    public let core: UnixGRPCClient<CRIErrorKind>
    var grpc: GRPCClient<HTTP2ClientTransport.Posix> { core.grpc }

    public init(endpoint: CRIEndpoint, configuration: CRIClientConfiguration = .init(),
                logger: Logger = Logger(label: "podguard.cri")) throws(CRIError) {
        self.endpoint = endpoint
        self.configuration = configuration
        self.core = try UnixGRPCClient(socket: endpoint.socket, options: configuration, logger: logger)
    }

    /// Creates a client, runs its connection for the duration of `body`, then shuts it down.
    public static func withClient<Result: Sendable>(
        endpoint: CRIEndpoint, configuration: CRIClientConfiguration = .init(),
        logger: Logger = Logger(label: "podguard.cri"), _ body: (CRIClient) async throws -> Result
    ) async throws -> Result {
        try await CRIClient(endpoint: endpoint, configuration: configuration, logger: logger).whileConnected(body)
    }
}
