public import UnixGRPC

/// A failed CSI or podmon call, classified for the caller's retry decision.
public typealias CSIError = RPCCallError<CSIErrorKind>
