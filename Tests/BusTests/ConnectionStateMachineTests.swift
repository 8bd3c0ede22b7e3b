@testable import Bus
import Testing

@Suite("connection state machine and reconnect policy (pure)")
struct ConnectionStateMachineTests {
    @Test("every transition the callbacks can cause")
    func transitions() {
        var machine = ConnectionStateMachine()
        #expect(machine.state == .connecting)
        #expect(machine.disconnected() == .none)
        #expect(machine.connected(server: "a") == .publish(.connected(server: "a")))
        #expect(machine.connected(server: "a") == .none)
        #expect(machine.connected(server: "b") == .publish(.connected(server: "b")))
        #expect(machine.disconnected() == .publish(.reconnecting))
        #expect(machine.disconnected() == .none)
        #expect(machine.connected(server: "a") == .publish(.connected(server: "a")))
        #expect(machine.drainStarted() == .publish(.draining))
        #expect(machine.connected(server: "a") == .none)
        #expect(machine.disconnected() == .none)
        #expect(machine.closed() == .publishFinal(.closed))
        #expect(machine.closed() == .none)
        #expect(machine.connected(server: "a") == .none)
        #expect(machine.drainStarted() == .none)
        #expect(machine.state == .closed)
    }

    @Test("a disconnect reported while closing is not a connection loss")
    func closeIsNotReconnecting() {
        var machine = ConnectionStateMachine()
        _ = machine.connected(server: "a")
        _ = machine.closeStarted()
        #expect(machine.disconnected() == .none)
        #expect(machine.closed() == .publishFinal(.closed))
    }

    @Test("closing before the first connection")
    func closeWhileConnecting() {
        var machine = ConnectionStateMachine()
        #expect(machine.closed() == .publishFinal(.closed))
    }

    @Test("reconnect delays grow exponentially to the cap, with bounded jitter", arguments: [
        (1, 0.5, 50), (2, 0.5, 100), (3, 0.5, 200), (6, 0.5, 1600), (7, 0.5, 2000), (50, 0.5, 2000),
        (1, 0.0, 40), (1, 0.999_999, 59), (7, 0.0, 1600),
    ])
    func reconnectDelay(attempt: Int, random: Double, expectedMilliseconds: Int64) {
        let policy = ReconnectPolicy()
        #expect(policy.delay(beforeAttempt: attempt, unitRandom: random) == .milliseconds(expectedMilliseconds))
    }
}
