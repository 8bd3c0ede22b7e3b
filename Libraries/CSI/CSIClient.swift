import GRPCCore
import GRPCNIOTransportHTTP2
public import Logging
@_exported public import UnixGRPC  // CSIError and CSIAddress are UnixGRPC types: their members come with CSI

/// A client of one CSI driver (and its podmon extension) over the driver's unix socket.
///
/// The connection and call discipline are `UnixGRPCClient`'s (see `UnixGRPCServiceClient`): a
/// driver restart replaces the socket file and the client reconnects by itself; every call has a
/// deadline and throws a classified `CSIError`.
public final class CSIClient: UnixGRPCServiceClient {
    public let address: CSIAddress
    public let configuration: CSIClientConfiguration
    public let core: UnixGRPCClient<CSIErrorKind>
    var grpc: GRPCClient<HTTP2ClientTransport.Posix> { core.grpc }

    public init(address: CSIAddress, configuration: CSIClientConfiguration = .init(),
                logger: Logger = Logger(label: "podguard.csi")) throws(CSIError) {
        self.address = address
        self.configuration = configuration
        self.core = try UnixGRPCClient(socket: address.socket, options: configuration.connection, logger: logger)
    }

    /// Creates a client, runs its connection for the duration of `body`, then shuts it down.
    public static func withClient<Result: Sendable>(
        address: CSIAddress, configuration: CSIClientConfiguration = .init(),
        logger: Logger = Logger(label: "podguard.csi"), _ body: (CSIClient) async throws -> Result
    ) async throws -> Result {
        try await CSIClient(address: address, configuration: configuration, logger: logger).whileConnected(body)
    }
}
