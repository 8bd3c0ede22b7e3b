import GRPCCore
@_exported public import UnixGRPC  // CRIError and CRIEndpoint are UnixGRPC types: their members come with CRI

/// The node's container runtime (CRI `runtime.v1.RuntimeService`) over its unix socket.
public enum CRIProtocol: UnixGRPCProtocol {
    public typealias FailureKind = CRIErrorKind
    public typealias Endpoint = CRIEndpoint
    public typealias Configuration = CRIClientConfiguration
    public static let loggerLabel = "podguard.cri"
    public static var defaultConfiguration: CRIClientConfiguration { CRIClientConfiguration() }
    public static func connectionOptions(_ configuration: CRIClientConfiguration) -> UnixGRPCConnectionOptions { configuration }
}

/// A client of the container runtime: `UnixServiceClient`'s connection and call discipline, with the
/// runtime calls in `CRIClient+Runtime`. podmon dials a new client for every cleanup cycle; one
/// long-lived client that reconnects does the same job without the dial delays.
public typealias CRIClient = UnixServiceClient<CRIProtocol>
