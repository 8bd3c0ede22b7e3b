public import GRPCCore

extension CRIError {
    /// Classifies a gRPC status.
    public init(_ error: RPCError, method: String) {
        let kind: Kind = switch error.code {
        case .unavailable: .unavailable
        case .unimplemented: .unimplemented
        case .invalidArgument, .failedPrecondition, .permissionDenied, .unauthenticated, .notFound,
             .alreadyExists, .outOfRange, .dataLoss:
            .permanent
        default:
            // deadlineExceeded, aborted, resourceExhausted, internalError, unknown, cancelled.
            .transient
        }
        self.init(kind: kind, code: error.code, method: method, message: error.message)
    }

    /// Classifies anything a gRPC call can throw.
    public init(any error: any Error, method: String) {
        switch error {
        case let error as CRIError:
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
}
