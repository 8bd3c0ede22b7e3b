import Logging
import Metrics
import Synchronization
import SwiftProtobuf

/// A subscription that yields decoded protobuf messages.
///
/// A payload that does not decode as `Payload` is skipped, counted (`undecodableCount`,
/// `podguard_bus_undecodable_messages_total`) and logged with its subject, the first time and then at
/// most once a minute: one bad publisher must not crash or stall a service, nor flood its log.
public final class TypedSubscription<Payload: SwiftProtobuf.Message & Sendable>: AsyncSequence, Sendable {
    public typealias Element = TypedMessage<Payload>

    public let raw: BusSubscription
    private let accounting: UndecodableAccounting

    init(raw: BusSubscription, metrics: BusMetrics, logger: Logger) {
        self.raw = raw
        self.accounting = UndecodableAccounting(
            counter: metrics.undecodableMessages(subscription: raw.subject, type: Payload.protoMessageName),
            logger: logger, type: Payload.protoMessageName)
    }

    public var subject: String { raw.subject }
    /// Payloads skipped because they did not decode.
    public var undecodableCount: Int { accounting.count }
    /// Messages dropped because the buffer was full.
    public var droppedCount: Int { raw.droppedCount }
    public func unsubscribe() { raw.unsubscribe() }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: BusSubscription.AsyncIterator
        let accounting: UndecodableAccounting

        public mutating func next() async -> TypedMessage<Payload>? {
            while let message = await base.next() {
                do {
                    let payload = try ProtobufCoding.decode(Payload.self, from: message.payload, subject: message.subject)
                    return TypedMessage(payload: payload, subject: message.subject, replyTo: message.replyTo, headers: message.headers)
                } catch {
                    accounting.record(error)
                }
            }
            return nil
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: raw.makeAsyncIterator(), accounting: accounting)
    }
}

/// Counts and (rate-limited) logs payloads that did not decode.
final class UndecodableAccounting: Sendable {
    private let state = Mutex<(count: Int, lastLog: ContinuousClock.Instant?)>((0, nil))
    private let counter: Counter
    private let logger: Logger
    private let type: String

    init(counter: Counter, logger: Logger, type: String) {
        self.counter = counter
        self.logger = logger
        self.type = type
    }

    var count: Int { state.withLock { $0.count } }

    func record(_ error: any Error) {
        counter.increment()
        let now = ContinuousClock.now
        let (shouldLog, total): (Bool, Int) = state.withLock { state in
            state.count += 1
            if let last = state.lastLog, now - last < .seconds(60) { return (false, state.count) }
            state.lastLog = now
            return (true, state.count)
        }
        if shouldLog {
            logger.error("skipping undecodable message", metadata: [
                "expectedType": "\(type)", "error": "\(error)", "undecodableTotal": "\(total)",
            ])
        }
    }
}
