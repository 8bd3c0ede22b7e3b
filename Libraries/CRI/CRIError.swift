public import UnixGRPC

/// A failed CRI call, classified for the caller's retry decision.
public typealias CRIError = RPCCallError<CRIErrorKind>
