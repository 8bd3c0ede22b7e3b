import CNATS
import Logging
import Metrics
import Synchronization

/// The messages of one core NATS subscription, in order, as an `AsyncSequence`.
///
/// Between nats.c's delivery thread and the consumer sits a buffer of `bufferCapacity` messages.
/// When it is full, new messages are dropped, counted (`droppedCount`,
/// `podguard_bus_dropped_messages_total`) and logged at most once per second: a slow consumer is
/// reported, never silently losing data and never blocking the connection.
/// The subscription ends when `unsubscribe()` is called, when the value is released, or when the
/// connection closes; iteration then finishes after the buffered messages.
public final class BusSubscription: AsyncSequence, Sendable {
    public typealias Element = BusMessage

    public let subject: String
    public let queue: String?
    private let stream: AsyncStream<BusMessage>
    private let handle: SubscriptionHandle
    private let context: SubscriptionContext

    init(subject: String, queue: String?, stream: AsyncStream<BusMessage>, handle: SubscriptionHandle, context: SubscriptionContext) {
        self.subject = subject
        self.queue = queue
        self.stream = stream
        self.handle = handle
        self.context = context
    }

    /// Messages dropped so far because the buffer was full.
    public var droppedCount: Int { context.droppedCount }

    /// Removes interest now; messages already buffered are still delivered.
    public func unsubscribe() {
        handle.unsubscribe()
    }

    deinit {
        handle.unsubscribe()
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncStream<BusMessage>.AsyncIterator
        /// Keeps the subscription (and so the nats.c subscription) alive while iterating.
        let owner: BusSubscription

        public mutating func next() async -> BusMessage? {
            await base.next()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: stream.makeAsyncIterator(), owner: self)
    }
}

/// What nats.c's message callback reaches through its `closure` pointer: the stream continuation
/// and the drop accounting. Retained for nats.c from `subscribe` until the subscription's
/// on-complete callback, which nats.c calls once after the last message callback.
final class SubscriptionContext: Sendable {
    private let continuation: AsyncStream<BusMessage>.Continuation
    private let dropped = Atomic<Int>(0)
    private let lastDropLog = Mutex<ContinuousClock.Instant?>(nil)
    private let droppedCounter: Counter
    private let logger: Logger
    let subject: String

    init(subject: String, continuation: AsyncStream<BusMessage>.Continuation, metrics: BusMetrics, logger: Logger) {
        self.subject = subject
        self.continuation = continuation
        self.droppedCounter = metrics.droppedMessages(subscription: subject)
        self.logger = logger
    }

    var droppedCount: Int { dropped.load(ordering: .relaxed) }

    func deliver(_ message: BusMessage) {
        switch continuation.yield(message) {
        case .enqueued, .terminated:
            return
        case .dropped:
            let total = dropped.wrappingAdd(1, ordering: .relaxed).newValue
            droppedCounter.increment()
            let now = ContinuousClock.now
            let shouldLog = lastDropLog.withLock { last -> Bool in
                if let last, now - last < .seconds(1) { return false }
                last = now
                return true
            }
            if shouldLog {
                logger.warning("slow consumer: subscription buffer full, dropping messages",
                               metadata: ["subscription": "\(subject)", "droppedTotal": "\(total)"])
            }
        @unknown default:
            return
        }
    }

    func finish() {
        continuation.finish()
    }
}

let subscriptionMessageCallback: natsMsgHandler = { _, _, message, closure in
    guard let message else { return }
    // The natsMsg is ours to destroy; everything needed is copied out first.
    defer { natsMsg_Destroy(message) }
    guard let closure else { return }
    let context = Unmanaged<SubscriptionContext>.fromOpaque(closure).takeUnretainedValue()
    context.deliver(NATSMessageCopy.busMessage(message))
}

let subscriptionCompleteCallback: natsOnCompleteCB = { closure in
    guard let closure else { return }
    Unmanaged<SubscriptionContext>.fromOpaque(closure).takeRetainedValue().finish()
}

extension BusConnection {
    /// Subscribes to `subject` (wildcards allowed). With `queue`, the server gives each message to
    /// one member of the queue group only, which is how replicas of a service share work.
    public func subscribe(to subject: String, queue: String? = nil, bufferCapacity: Int? = nil) throws(BusError) -> BusSubscription {
        let capacity = bufferCapacity ?? options.subscriptionBufferCapacity
        guard capacity > 0 else { throw BusError.invalidArgument("subscription buffer capacity must be positive, got \(capacity)") }
        let (stream, continuation) = AsyncStream<BusMessage>.makeStream(bufferingPolicy: .bufferingOldest(capacity))
        let context = SubscriptionContext(subject: subject, continuation: continuation, metrics: metrics, logger: logger)
        let closure = Unmanaged.passRetained(context).toOpaque()
        var created: OpaquePointer? = nil
        let status: natsStatus
        if let queue {
            status = natsConnection_QueueSubscribe(&created, handle.raw, subject, queue, subscriptionMessageCallback, closure)
        } else {
            status = natsConnection_Subscribe(&created, handle.raw, subject, subscriptionMessageCallback, closure)
        }
        guard status == NATS_OK, let created else {
            Unmanaged<SubscriptionContext>.fromOpaque(closure).release()
            continuation.finish()
            throw BusError.from(status, "subscribe to \(subject)")
        }
        let subscription = SubscriptionHandle(created, connection: handle)
        if natsSubscription_SetOnCompleteCB(created, subscriptionCompleteCallback, closure) != NATS_OK {
            // Already closed (the connection closed in between): no callback will run any more.
            Unmanaged<SubscriptionContext>.fromOpaque(closure).release()
            continuation.finish()
        }
        _ = natsSubscription_SetPendingLimits(created, Int32(clamping: max(65_536, capacity * 2)), 512 * 1024 * 1024)
        return BusSubscription(subject: subject, queue: queue, stream: stream, handle: subscription, context: context)
    }
}
