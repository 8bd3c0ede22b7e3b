import GRPCCore
import GRPCNIOTransportHTTP2
public import Logging
@_exported public import UnixGRPC  // CRIError and CRIEndpoint are UnixGRPC types: their members come with CRI

/// A client of the node's container runtime (CRI `runtime.v1.RuntimeService`) over its unix socket.
///
/// The connection is owned by `run()`, which the owner runs for the client's lifetime (or use
/// `withClient`): it reconnects by itself when the socket disappears and comes back (a runtime
/// restart replaces the socket file), with a backoff capped at
/// `CRIClientConfiguration.reconnectMaximumBackoff`. Every call has a deadline and throws a
/// classified `CRIError`. podmon dials a new client for every cleanup cycle; one long-lived client
/// that reconnects does the same job without the dial delays.
public final class CRIClient: ConnectionRunning {
    public let endpoint: CRIEndpoint
    public let configuration: CRIClientConfiguration
    let core: UnixGRPCClient<CRIErrorKind>
    var grpc: GRPCClient<HTTP2ClientTransport.Posix> { core.grpc }

    public init(endpoint: CRIEndpoint, configuration: CRIClientConfiguration = .init(),
                logger: Logger = Logger(label: "podguard.cri")) throws(CRIError) {
        self.endpoint = endpoint
        self.configuration = configuration
        self.core = try UnixGRPCClient(
            socket: endpoint.socket, reconnectInitialBackoff: configuration.reconnectInitialBackoff,
            reconnectMaximumBackoff: configuration.reconnectMaximumBackoff,
            defaultDeadline: configuration.defaultDeadline, waitForReady: configuration.waitForReady, logger: logger)
    }

    /// Maintains the connection until `shutdown()` (returns normally) or cancellation.
    public func run() async throws {
        try await core.run()
    }

    /// Stops accepting calls and lets `run()` return once in-flight calls finish.
    public func shutdown() {
        core.shutdown()
    }

    /// Creates a client, runs its connection for the duration of `body`, then shuts it down.
    public static func withClient<Result: Sendable>(
        endpoint: CRIEndpoint, configuration: CRIClientConfiguration = .init(),
        logger: Logger = Logger(label: "podguard.cri"),
        _ body: (CRIClient) async throws -> Result
    ) async throws -> Result {
        try await CRIClient(endpoint: endpoint, configuration: configuration, logger: logger).whileConnected(body)
    }

    /// Runs one call with its deadline and classifies its failure.
    func call<Response: Sendable>(
        _ method: String, deadline: Duration?,
        _ body: (CallOptions) async throws -> Response
    ) async throws(CRIError) -> Response {
        try await core.call(method, deadline: deadline, body)
    }
}
