import CNATS
import Logging
import Metrics
import Synchronization

/// The object nats.c's connection callbacks reach through their `closure` pointer.
///
/// nats.c holds one retained reference from `connect` until its closed callback, which fires
/// exactly once per created connection and after every other connection callback; that callback
/// releases it. If connecting fails before a connection exists, `connect` releases it instead.
final class ConnectionContext: Sendable {
    let logger: Logger
    let metrics: BusMetrics
    let reconnect: ReconnectPolicy
    private let machine = Mutex(ConnectionStateMachine())
    private let observers = Mutex(Observers())

    private struct Observers {
        var nextID = 0
        var continuations: [Int: AsyncStream<BusConnectionState>.Continuation] = [:]
        var finished = false
    }

    init(logger: Logger, metrics: BusMetrics, reconnect: ReconnectPolicy) {
        self.logger = logger
        self.metrics = metrics
        self.reconnect = reconnect
    }

    var state: BusConnectionState { machine.withLock { $0.state } }

    /// A new stream of states, starting with the current one.
    func stateChanges() -> AsyncStream<BusConnectionState> {
        let (stream, continuation) = AsyncStream<BusConnectionState>.makeStream(bufferingPolicy: .bufferingNewest(32))
        let id: Int? = observers.withLock { observers in
            // The current state is read under the observers lock, so no transition slips between
            // the snapshot and the registration.
            continuation.yield(state)
            guard !observers.finished else { return nil }
            let id = observers.nextID
            observers.nextID += 1
            observers.continuations[id] = continuation
            return id
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            self?.observers.withLock { _ = $0.continuations.removeValue(forKey: id) }
        }
        return stream
    }

    func apply(_ event: (inout ConnectionStateMachine) -> ConnectionStateMachine.Action) {
        // Yields happen under the lock so observers see transitions in order; `finish()` happens
        // outside it because it runs `onTermination`, which takes the lock again.
        let toFinish: [AsyncStream<BusConnectionState>.Continuation] = observers.withLock { observers in
            let action = machine.withLock { event(&$0) }
            switch action {
            case .none:
                return []
            case .publish(let state):
                record(state)
                for continuation in observers.continuations.values { continuation.yield(state) }
                return []
            case .publishFinal(let state):
                record(state)
                let all = Array(observers.continuations.values)
                for continuation in all { continuation.yield(state) }
                observers.continuations.removeAll()
                observers.finished = true
                return all
            }
        }
        for continuation in toFinish { continuation.finish() }
    }

    private func record(_ state: BusConnectionState) {
        switch state {
        case .connected(let server):
            metrics.connected.record(1)
            logger.info("bus connected", metadata: ["server": "\(server)"])
        case .reconnecting:
            metrics.connected.record(0)
            metrics.disconnects.increment()
            logger.warning("bus disconnected; reconnecting")
        case .draining:
            logger.info("bus draining")
        case .closed:
            metrics.connected.record(0)
            logger.info("bus connection closed")
        case .connecting:
            break
        }
    }
}

// MARK: - C callbacks (no captures: they reach the context through `closure`)

func connectedURL(_ connection: OpaquePointer?) -> String {
    guard let connection else { return "?" }
    var buffer = [CChar](repeating: 0, count: 512)
    guard natsConnection_GetConnectedUrl(connection, &buffer, buffer.count) == NATS_OK else { return "?" }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

let connectionConnectedCallback: natsConnectionHandler = { connection, closure in
    guard let closure else { return }
    let context = Unmanaged<ConnectionContext>.fromOpaque(closure).takeUnretainedValue()
    let url = connectedURL(connection)
    context.apply { $0.connected(server: url) }
}

let connectionReconnectedCallback: natsConnectionHandler = { connection, closure in
    guard let closure else { return }
    let context = Unmanaged<ConnectionContext>.fromOpaque(closure).takeUnretainedValue()
    context.metrics.reconnects.increment()
    let url = connectedURL(connection)
    context.apply { $0.connected(server: url) }
}

let connectionDisconnectedCallback: natsConnectionHandler = { _, closure in
    guard let closure else { return }
    let context = Unmanaged<ConnectionContext>.fromOpaque(closure).takeUnretainedValue()
    context.apply { $0.disconnected() }
}

let connectionClosedCallback: natsConnectionHandler = { _, closure in
    guard let closure else { return }
    // The last callback nats.c makes for this connection: take back the reference `connect` gave.
    let context = Unmanaged<ConnectionContext>.fromOpaque(closure).takeRetainedValue()
    context.apply { $0.closed() }
}

let connectionErrorCallback: natsErrHandler = { connection, subscription, status, closure in
    guard let closure else { return }
    let context = Unmanaged<ConnectionContext>.fromOpaque(closure).takeUnretainedValue()
    if status == NATS_SLOW_CONSUMER {
        context.metrics.slowConsumerEvents.increment()
        var dropped: Int64 = 0
        if let subscription { _ = natsSubscription_GetDropped(subscription, &dropped) }
        context.logger.warning("slow consumer: nats.c dropped messages", metadata: ["dropped": "\(dropped)"])
    } else if status == NATS_NOT_PERMITTED {
        // The server refused a publish or subscribe this user is not granted; its text names the
        // subject (docs/bus-contract.md, "Who may do what").
        context.metrics.permissionDenials.increment()
        var lastError: UnsafePointer<CChar>? = nil
        _ = natsConnection_GetLastError(connection, &lastError)
        let text = lastError.map { String(cString: $0) } ?? String(cString: natsStatus_GetText(status))
        context.logger.error("bus permission denied", metadata: ["error": "\(text)"])
    } else {
        context.metrics.asyncErrors.increment()
        let text = String(cString: natsStatus_GetText(status))
        context.logger.error("bus asynchronous error", metadata: ["status": "\(text)"])
    }
}

let connectionReconnectDelayCallback: natsCustomReconnectDelayHandler = { _, attempts, closure in
    guard let closure else { return 100 }
    let context = Unmanaged<ConnectionContext>.fromOpaque(closure).takeUnretainedValue()
    let delay = context.reconnect.delay(beforeAttempt: Int(attempts), unitRandom: Double.random(in: 0..<1))
    return delay.milliseconds
}
