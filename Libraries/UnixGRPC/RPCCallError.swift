public import GRPCCore

/// A failed call of a gRPC client over a unix socket, classified for the caller's retry decision.
/// `CSIError` and `CRIError` are this error with their protocol's kinds.
public struct RPCCallError<FailureKind: RPCFailureKind>: Error, Sendable, Hashable, CustomStringConvertible {
    public typealias Kind = FailureKind

    public var kind: Kind
    /// The gRPC status code, when the error came from gRPC.
    public var code: RPCError.Code?
    /// The method called, e.g. "ControllerUnpublishVolume".
    public var method: String
    public var message: String

    public init(kind: Kind, code: RPCError.Code? = nil, method: String, message: String) {
        self.kind = kind
        self.code = code
        self.method = method
        self.message = message
    }

    /// Classifies a gRPC status (see `RPCFailureKind.init(classifying:)`).
    public init(_ error: RPCError, method: String) {
        self.init(kind: Kind(classifying: error), code: error.code, method: method, message: error.message)
    }

    /// Classifies anything a gRPC call can throw.
    public init(any error: any Error, method: String) {
        switch error {
        case let error as Self:
            self = error
        case let error as RPCError:
            self.init(error, method: method)
        case let error as any RPCErrorConvertible:
            self.init(RPCError(error), method: method)
        case is CancellationError:
            self.init(kind: .transient, code: .cancelled, method: method, message: "cancelled")
        default:
            self.init(kind: .transient, method: method, message: String(describing: error))
        }
    }

    /// Whether the call ran out of its deadline.
    public var isDeadlineExceeded: Bool { code == .deadlineExceeded }

    public var description: String {
        let status = code.map { " (\($0))" } ?? ""
        return "\(method): \(kind)\(status): \(message)"
    }
}
