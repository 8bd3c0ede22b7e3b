/// The connection's life as nats.c reports it through callbacks, as an explicit state machine.
///
/// nats.c calls back from its own threads and may report the same fact twice (a synchronous connect
/// followed by a "connected" callback, a "disconnected" callback right before "closed"); the machine
/// turns those reports into the transitions observers should see, and ignores everything after
/// `closed`.
struct ConnectionStateMachine: Sendable {
    private(set) var state: BusConnectionState = .connecting
    /// `close()` was called: the "disconnected" report nats.c makes while closing is not a
    /// connection loss and must not show as `.reconnecting`.
    private var closeRequested = false

    /// What the caller must do after feeding an event in.
    enum Action: Sendable, Equatable {
        case none
        /// Tell observers and metrics about the new state.
        case publish(BusConnectionState)
        /// As `.publish`, and the connection is gone for good: finish every observer.
        case publishFinal(BusConnectionState)
    }

    mutating func connected(server: String) -> Action {
        switch state {
        case .connecting, .reconnecting:
            return move(to: .connected(server: server))
        case .connected(let current):
            return current == server ? .none : move(to: .connected(server: server))
        case .draining, .closed:
            return .none
        }
    }

    mutating func closeStarted() -> Action {
        closeRequested = true
        return .none
    }

    mutating func disconnected() -> Action {
        if closeRequested { return .none }
        switch state {
        case .connected:
            return move(to: .reconnecting)
        case .connecting, .reconnecting, .draining, .closed:
            return .none
        }
    }

    mutating func drainStarted() -> Action {
        switch state {
        case .connecting, .connected, .reconnecting:
            return move(to: .draining)
        case .draining, .closed:
            return .none
        }
    }

    mutating func closed() -> Action {
        switch state {
        case .closed:
            return .none
        case .connecting, .connected, .reconnecting, .draining:
            state = .closed
            return .publishFinal(.closed)
        }
    }

    private mutating func move(to newState: BusConnectionState) -> Action {
        state = newState
        return .publish(newState)
    }
}
