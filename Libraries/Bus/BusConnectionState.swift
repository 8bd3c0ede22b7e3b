/// Where a bus connection is in its life; observed through `BusConnection.stateChanges`.
public enum BusConnectionState: Sendable, Equatable, CustomStringConvertible {
    /// The first connection is being established (the server may not be up yet).
    case connecting
    case connected(server: String)
    /// The TCP connection was lost; nats.c is trying to reconnect and buffers publishes meanwhile.
    case reconnecting
    /// `drain()` is running: subscriptions finish their buffered messages, then the connection closes.
    case draining
    case closed

    public var description: String {
        switch self {
        case .connecting: return "connecting"
        case .connected(let server): return "connected to \(server)"
        case .reconnecting: return "reconnecting"
        case .draining: return "draining"
        case .closed: return "closed"
        }
    }

    public var isConnected: Bool {
        if case .connected = self { return true }
        return false
    }
}
