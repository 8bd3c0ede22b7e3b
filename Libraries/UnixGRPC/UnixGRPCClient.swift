public import GRPCCore
public import GRPCNIOTransportHTTP2
public import Logging

/// The connection and call discipline of a gRPC client over a unix socket, shared by the CSI and
/// CRI clients: plaintext HTTP/2 on the socket, reconnecting by itself with a capped backoff when
/// the socket disappears and comes back (a server restart replaces the socket file), and every call
/// with a deadline and a failure classified by `FailureKind`.
public final class UnixGRPCClient<FailureKind: RPCFailureKind>: ConnectionRunning {
    public typealias Failure = RPCCallError<FailureKind>

    public let grpc: GRPCClient<HTTP2ClientTransport.Posix>
    let logger: Logger
    let defaultDeadline: Duration
    let waitForReady: Bool

    /// - Parameters:
    ///   - logger: gets the socket as `<protocol>.socket` metadata.
    public init(socket: UnixSocketAddress, options: UnixGRPCConnectionOptions, logger: Logger) throws(Failure) {
        var logger = logger
        logger[metadataKey: "\(Self.logKeyPrefix).socket"] = "\(socket.path)"
        self.logger = logger
        self.defaultDeadline = options.defaultDeadline
        self.waitForReady = options.waitForReady
        let transport: HTTP2ClientTransport.Posix
        do {
            transport = try HTTP2ClientTransport.Posix(
                target: .unixDomainSocket(path: socket.path),
                transportSecurity: .plaintext,
                config: .defaults { config in
                    config.backoff = .init(initial: options.reconnectInitialBackoff, max: options.reconnectMaximumBackoff,
                                           multiplier: 1.6, jitter: 0.2)
                })
        } catch {
            throw Failure(any: error, method: "connect")
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

    /// Runs one call with its deadline (the default when nil) and classifies its failure.
    public func call<Response: Sendable>(
        _ method: String, deadline: Duration?,
        _ body: (CallOptions) async throws -> Response
    ) async throws(Failure) -> Response {
        var options = CallOptions.defaults
        options.timeout = deadline ?? defaultDeadline
        options.waitForReady = waitForReady
        do {
            return try await body(options)
        } catch {
            let failure = Failure(any: error, method: method)
            logger.debug("\(FailureKind.protocolName) call failed", metadata: [
                "\(Self.logKeyPrefix).method": "\(method)", "\(Self.logKeyPrefix).error": "\(failure)",
            ])
            throw failure
        }
    }

    /// "csi" for CSI: the prefix of this client's log metadata keys.
    static var logKeyPrefix: String { FailureKind.protocolName.lowercased() }
}
