import GRPCCore
import GRPCNIOTransportHTTP2
public import Logging
@_exported public import UnixGRPC  // CSIError and CSIAddress are UnixGRPC types: their members come with CSI

/// A client of one CSI driver (and its podmon extension) over the driver's unix socket.
///
/// The connection is owned by `run()`, which a service runs for the client's lifetime (or use
/// `withClient`): it reconnects by itself when the socket disappears and comes back (a driver
/// restart replaces the socket file), with a backoff capped at
/// `CSIClientConfiguration.reconnectMaximumBackoff`. Every call has a deadline and throws a
/// classified `CSIError`.
public final class CSIClient: ConnectionRunning {
    public let address: CSIAddress
    public let configuration: CSIClientConfiguration
    let core: UnixGRPCClient<CSIErrorKind>
    var grpc: GRPCClient<HTTP2ClientTransport.Posix> { core.grpc }

    public init(address: CSIAddress, configuration: CSIClientConfiguration = .init(),
                logger: Logger = Logger(label: "podguard.csi")) throws(CSIError) {
        self.address = address
        self.configuration = configuration
        self.core = try UnixGRPCClient(
            socket: address.socket, reconnectInitialBackoff: configuration.reconnectInitialBackoff,
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
        address: CSIAddress, configuration: CSIClientConfiguration = .init(),
        logger: Logger = Logger(label: "podguard.csi"),
        _ body: (CSIClient) async throws -> Result
    ) async throws -> Result {
        try await CSIClient(address: address, configuration: configuration, logger: logger).whileConnected(body)
    }

    /// Runs one call with its deadline and classifies its failure.
    func call<Response: Sendable>(
        _ method: String, deadline: Duration?,
        _ body: (CallOptions) async throws -> Response
    ) async throws(CSIError) -> Response {
        try await core.call(method, deadline: deadline, body)
    }
}
