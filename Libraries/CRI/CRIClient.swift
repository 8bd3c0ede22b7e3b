public import GRPCCore
import GRPCNIOTransportHTTP2
public import Logging

/// A client of the node's container runtime (CRI `runtime.v1.RuntimeService`) over its unix socket.
///
/// The connection is owned by `run()`, which the owner runs for the client's lifetime (or use
/// `withClient`): it reconnects by itself when the socket disappears and comes back (a runtime
/// restart replaces the socket file), with a backoff capped at
/// `CRIClientConfiguration.reconnectMaximumBackoff`. Every call has a deadline and throws a
/// classified `CRIError`. podmon dials a new client for every cleanup cycle; one long-lived client
/// that reconnects does the same job without the dial delays.
public final class CRIClient: Sendable {
    public let endpoint: CRIEndpoint
    public let configuration: CRIClientConfiguration
    let grpc: GRPCClient<HTTP2ClientTransport.Posix>
    let logger: Logger

    public init(endpoint: CRIEndpoint, configuration: CRIClientConfiguration = .init(),
                logger: Logger = Logger(label: "podguard.cri")) throws(CRIError) {
        self.endpoint = endpoint
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "cri.socket"] = "\(endpoint.path)"
        self.logger = logger
        let transport: HTTP2ClientTransport.Posix
        do {
            transport = try HTTP2ClientTransport.Posix(
                target: .unixDomainSocket(path: endpoint.path),
                transportSecurity: .plaintext,
                config: .defaults { config in
                    config.backoff = .init(initial: configuration.reconnectInitialBackoff,
                                           max: configuration.reconnectMaximumBackoff,
                                           multiplier: 1.6, jitter: 0.2)
                })
        } catch {
            throw CRIError(any: error, method: "connect")
        }
        self.grpc = GRPCClient(transport: transport)
    }

    /// Maintains the connection until `shutdown()` (returns normally) or cancellation.
    public func run() async throws {
        try await grpc.runConnections()
    }

    /// Stops accepting calls and lets `run()` return once in-flight calls finish.
    public func shutdown() {
        grpc.beginGracefulShutdown()
    }

    /// Creates a client, runs its connection for the duration of `body`, then shuts it down.
    public static func withClient<Result: Sendable>(
        endpoint: CRIEndpoint, configuration: CRIClientConfiguration = .init(),
        logger: Logger = Logger(label: "podguard.cri"),
        _ body: (CRIClient) async throws -> Result
    ) async throws -> Result {
        let client = try CRIClient(endpoint: endpoint, configuration: configuration, logger: logger)
        return try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await client.run() }
            defer { client.shutdown() }
            return try await body(client)
        }
    }

    /// Runs one call with its deadline and classifies its failure.
    func call<Response: Sendable>(
        _ method: String, deadline: Duration?,
        _ body: (CallOptions) async throws -> Response
    ) async throws(CRIError) -> Response {
        var options = CallOptions.defaults
        options.timeout = deadline ?? configuration.defaultDeadline
        options.waitForReady = configuration.waitForReady
        do {
            return try await body(options)
        } catch {
            let failure = CRIError(any: error, method: method)
            logger.debug("CRI call failed", metadata: ["cri.method": "\(method)", "cri.error": "\(failure)"])
            throw failure
        }
    }
}
