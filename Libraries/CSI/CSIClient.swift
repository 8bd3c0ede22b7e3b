public import GRPCCore
import GRPCNIOTransportHTTP2
public import Logging

/// A client of one CSI driver (and its podmon extension) over the driver's unix socket.
///
/// The connection is owned by `run()`, which a service runs for the client's lifetime (or use
/// `withClient`): it reconnects by itself when the socket disappears and comes back (a driver
/// restart replaces the socket file), with a backoff capped at
/// `CSIClientConfiguration.reconnectMaximumBackoff`. Every call has a deadline and throws a
/// classified `CSIError`.
public final class CSIClient: Sendable {
    public let address: CSIAddress
    public let configuration: CSIClientConfiguration
    let grpc: GRPCClient<HTTP2ClientTransport.Posix>
    let logger: Logger

    public init(address: CSIAddress, configuration: CSIClientConfiguration = .init(),
                logger: Logger = Logger(label: "podguard.csi")) throws(CSIError) {
        self.address = address
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "csi.socket"] = "\(address.path)"
        self.logger = logger
        let transport: HTTP2ClientTransport.Posix
        do {
            transport = try HTTP2ClientTransport.Posix(
                target: .unixDomainSocket(path: address.path),
                transportSecurity: .plaintext,
                config: .defaults { config in
                    config.backoff = .init(initial: configuration.reconnectInitialBackoff,
                                           max: configuration.reconnectMaximumBackoff,
                                           multiplier: 1.6, jitter: 0.2)
                })
        } catch {
            throw CSIError(any: error, method: "connect")
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
        address: CSIAddress, configuration: CSIClientConfiguration = .init(),
        logger: Logger = Logger(label: "podguard.csi"),
        _ body: (CSIClient) async throws -> Result
    ) async throws -> Result {
        let client = try CSIClient(address: address, configuration: configuration, logger: logger)
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
    ) async throws(CSIError) -> Response {
        var options = CallOptions.defaults
        options.timeout = deadline ?? configuration.defaultDeadline
        options.waitForReady = configuration.waitForReady
        do {
            return try await body(options)
        } catch {
            let failure = CSIError(any: error, method: method)
            logger.debug("CSI call failed", metadata: ["csi.method": "\(method)", "csi.error": "\(failure)"])
            throw failure
        }
    }
}
