import Bus
import Contracts
import FencingCore

extension AdapterFailure {
    /// No reply: a timeout, no responders or a closed connection means the adapter is unavailable;
    /// a reply that does not decode is a bug, not worth retrying.
    public init(_ error: any Error) {
        switch error {
        case BusError.undecodable(let subject, let type, let reason):
            self = .permanent("reply on \(subject) is not a valid \(type): \(reason)")
        case let busError as BusError:
            self = .unavailable("\(busError)", after: nil)
        default:
            self = .unavailable("\(error)", after: nil)
        }
    }
}
