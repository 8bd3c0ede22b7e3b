import CNATS
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// Request/reply over one wildcard inbox subscription per connection (`_INBOX.<nuid>.<token>`),
/// instead of one subscription per request: a request costs one publish and one dictionary entry.
final class RequestMultiplexer: Sendable {
    let inboxPrefix: String
    private let slots = Mutex(Slots())
    private let timer: any EventLoop
    /// Keeps the inbox subscription alive as long as the multiplexer.
    private let subscription = Mutex<SubscriptionHandle?>(nil)

    private struct Slots {
        var nextToken: UInt64 = 1
        var byToken: [UInt64: Slot] = [:]
    }

    private enum Slot {
        case waiting(Waiter)
        /// The caller's task was cancelled before its request was registered.
        case cancelledEarly
    }

    private struct Waiter {
        let continuation: CheckedContinuation<BusMessage, any Error>
        let subject: String
        var timeout: Scheduled<Void>?
    }

    private init(inboxPrefix: String) {
        self.inboxPrefix = inboxPrefix
        self.timer = MultiThreadedEventLoopGroup.singleton.any()
    }

    /// `customPrefix` replaces nats.c's `_INBOX` (the connection's inbox prefix: a server that
    /// grants each user only its own inboxes refuses any other).
    static func start(on connection: ConnectionHandle, customPrefix: String?, logger: Logger) throws(BusError) -> RequestMultiplexer {
        var inbox: UnsafeMutablePointer<CChar>? = nil
        try BusError.check(natsInbox_Create(&inbox), "create inbox")
        defer { natsInbox_Destroy(inbox) }
        var name = String(cString: inbox!)
        if let customPrefix, let unique = name.split(separator: ".").last {
            name = "\(customPrefix).\(unique)"
        }
        let multiplexer = RequestMultiplexer(inboxPrefix: name + ".")
        let closure = Unmanaged.passRetained(multiplexer).toOpaque()
        var created: OpaquePointer? = nil
        let status = natsConnection_Subscribe(&created, connection.raw, multiplexer.inboxPrefix + "*", multiplexerMessageCallback, closure)
        guard status == NATS_OK, let created else {
            Unmanaged<RequestMultiplexer>.fromOpaque(closure).release()
            throw BusError.from(status, "subscribe to the reply inbox")
        }
        if natsSubscription_SetOnCompleteCB(created, multiplexerCompleteCallback, closure) != NATS_OK {
            Unmanaged<RequestMultiplexer>.fromOpaque(closure).release()
        }
        _ = natsSubscription_SetPendingLimits(created, 1_000_000, 512 * 1024 * 1024)
        multiplexer.subscription.withLock { $0 = SubscriptionHandle(created, connection: connection) }
        return multiplexer
    }

    func request(_ payload: [UInt8], to subject: String, headers: BusHeaders, timeout: Duration,
                 connection: BusConnection) async throws -> BusMessage {
        let token = slots.withLock { slots in
            defer { slots.nextToken += 1 }
            return slots.nextToken
        }
        let replyTo = inboxPrefix + String(token)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<BusMessage, any Error>) in
                let registered: Bool = slots.withLock { slots in
                    if case .cancelledEarly = slots.byToken[token] {
                        slots.byToken[token] = nil
                        return false
                    }
                    slots.byToken[token] = .waiting(Waiter(continuation: continuation, subject: subject, timeout: nil))
                    return true
                }
                guard registered else {
                    continuation.resume(throwing: CancellationError())
                    return
                }
                let scheduled = timer.scheduleTask(in: .nanoseconds(timeout.nanoseconds)) { [self] in
                    self.resolve(token, with: .failure(BusError.timeout(subject: subject, after: timeout)))
                }
                let stillWaiting: Bool = slots.withLock { slots in
                    guard case .waiting(var waiter) = slots.byToken[token] else { return false }
                    waiter.timeout = scheduled
                    slots.byToken[token] = .waiting(waiter)
                    return true
                }
                if !stillWaiting { scheduled.cancel() }
                do {
                    try connection.publish(payload, to: subject, replyTo: replyTo, headers: headers)
                } catch {
                    resolve(token, with: .failure(error))
                }
            }
        } onCancel: {
            self.cancel(token)
        }
    }

    private func cancel(_ token: UInt64) {
        let waiter: Waiter? = slots.withLock { slots in
            switch slots.byToken[token] {
            case .waiting(let waiter):
                slots.byToken[token] = nil
                return waiter
            case .cancelledEarly:
                return nil
            case nil:
                slots.byToken[token] = .cancelledEarly
                return nil
            }
        }
        waiter?.timeout?.cancel()
        waiter?.continuation.resume(throwing: CancellationError())
    }

    /// Resumes the waiter of `token`, if it still waits (a late reply after a timeout is dropped).
    func resolve(_ token: UInt64, with result: Result<BusMessage, any Error>) {
        let waiter: Waiter? = slots.withLock { slots in
            guard case .waiting(let waiter) = slots.byToken[token] else { return nil }
            slots.byToken[token] = nil
            return waiter
        }
        guard let waiter else { return }
        waiter.timeout?.cancel()
        waiter.continuation.resume(with: result)
    }

    func subject(ofWaiting token: UInt64) -> String? {
        slots.withLock { slots in
            if case .waiting(let waiter) = slots.byToken[token] { return waiter.subject }
            return nil
        }
    }

    func failAll(_ error: any Error) {
        let waiters: [Waiter] = slots.withLock { slots in
            let all = slots.byToken.values.compactMap { slot -> Waiter? in
                if case .waiting(let waiter) = slot { return waiter }
                return nil
            }
            slots.byToken.removeAll()
            return all
        }
        for waiter in waiters {
            waiter.timeout?.cancel()
            waiter.continuation.resume(throwing: error)
        }
    }

    func token(fromReplySubject subject: UnsafePointer<CChar>) -> UInt64? {
        let text = String(cString: subject)
        guard text.hasPrefix(inboxPrefix) else { return nil }
        return UInt64(text.dropFirst(inboxPrefix.count))
    }
}

let multiplexerMessageCallback: natsMsgHandler = { _, _, message, closure in
    guard let message else { return }
    defer { natsMsg_Destroy(message) }
    guard let closure, let subject = natsMsg_GetSubject(message) else { return }
    let multiplexer = Unmanaged<RequestMultiplexer>.fromOpaque(closure).takeUnretainedValue()
    guard let token = multiplexer.token(fromReplySubject: subject) else { return }
    if natsMsg_IsNoResponders(message) {
        let requestSubject = multiplexer.subject(ofWaiting: token) ?? "?"
        multiplexer.resolve(token, with: .failure(BusError.noResponders(subject: requestSubject)))
    } else {
        multiplexer.resolve(token, with: .success(NATSMessageCopy.busMessage(message)))
    }
}

let multiplexerCompleteCallback: natsOnCompleteCB = { closure in
    guard let closure else { return }
    let multiplexer = Unmanaged<RequestMultiplexer>.fromOpaque(closure).takeRetainedValue()
    multiplexer.failAll(BusError.connectionClosed)
}
