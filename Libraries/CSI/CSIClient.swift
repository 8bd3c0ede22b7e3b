import GRPCCore
@_exported public import UnixGRPC  // CSIError and CSIAddress are UnixGRPC types: their members come with CSI

/// CSI (and Dell's podmon extension) over a driver's unix socket.
public enum CSIProtocol: UnixGRPCProtocol {
    public typealias FailureKind = CSIErrorKind
    public typealias Endpoint = CSIAddress
    public typealias Configuration = CSIClientConfiguration
    public static let loggerLabel = "podguard.csi"
    public static var defaultConfiguration: CSIClientConfiguration { CSIClientConfiguration() }
    public static func connectionOptions(_ configuration: CSIClientConfiguration) -> UnixGRPCConnectionOptions {
        configuration.connection
    }
}

/// A client of one CSI driver (and its podmon extension): `UnixServiceClient`'s connection and call
/// discipline, with the CSI calls in `CSIClient+Identity`, `+Controller`, `+Node` and `+Podmon`.
public typealias CSIClient = UnixServiceClient<CSIProtocol>
