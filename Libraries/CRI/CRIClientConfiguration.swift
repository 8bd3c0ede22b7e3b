public import UnixGRPC

/// How a `CRIClient` connects and calls: the shared unix-socket options, nothing CRI-specific.
public typealias CRIClientConfiguration = UnixGRPCConnectionOptions
