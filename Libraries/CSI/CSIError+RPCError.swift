public import GRPCCore

extension CSIError {
    /// Classifies a gRPC status. podmon's rule comes first: any error whose text ends with
    /// "pending" is `.pending`, whatever its code.
    public init(_ error: RPCError, method: String) {
        let kind: Kind
        if error.message.hasSuffix("pending") {
            kind = .pending
        } else {
            kind = switch error.code {
            case .notFound: .notFound
            case .unimplemented: .unimplemented
            case .unavailable: .unavailable
            case .invalidArgument, .failedPrecondition, .permissionDenied, .unauthenticated, .alreadyExists,
                 .outOfRange, .dataLoss:
                .permanent
            default:
                // deadlineExceeded, aborted, resourceExhausted, internalError, unknown, cancelled.
                .transient
            }
        }
        self.init(kind: kind, code: error.code, method: method, message: error.message)
    }

    /// Classifies anything a gRPC call can throw.
    public init(any error: any Error, method: String) {
        switch error {
        case let error as CSIError:
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
