import CNATS
import NIOPosix
import Synchronization

/// Where a JetStream message sits in its stream and consumer.
public struct JetStreamMetadata: Sendable, Equatable {
    public var stream: String
    public var consumer: String
    public var streamSequence: UInt64
    public var consumerSequence: UInt64
    /// 1 on first delivery; more after redeliveries.
    public var deliveryCount: UInt64
    /// Messages still waiting for this consumer after this one.
    public var pending: UInt64
    /// When the stream stored it, nanoseconds since the Unix epoch.
    public var timestampNanoseconds: Int64
}

/// One message fetched from a pull consumer, to be acknowledged exactly once.
///
/// Ownership: the value owns its `natsMsg` from the fetch that returned it until `deinit`, which
/// destroys it. Subject, headers, payload and metadata are copied out up front. The acknowledgement
/// calls go through a mutex, so concurrent calls cannot race inside nats.c, and a second final
/// acknowledgement fails with a clear error instead of reaching the server.
public final class JetStreamMessage: Sendable {
    public let subject: String
    public let headers: BusHeaders
    public let payload: [UInt8]
    public let metadata: JetStreamMetadata
    private let state: Mutex<State>
    /// Keeps the subscription alive: nats.c acknowledges through the message's subscription.
    private let consumer: PullConsumer

    /// The final outcome, once there is one.
    public enum Acknowledgement: Sendable, Equatable { case acked, naked, terminated }

    private struct State {
        var message: OpaquePointer?
        var outcome: Acknowledgement?
    }

    init(taking owned: OwnedNATSMessage, consumer: PullConsumer) {
        let message = owned.raw
        subject = NATSMessageCopy.subject(message)
        headers = NATSMessageCopy.headers(message)
        payload = NATSMessageCopy.payload(message)
        metadata = Self.metadata(message)
        state = Mutex(State(message: owned.raw, outcome: nil))
        self.consumer = consumer
    }

    deinit {
        state.withLock { state in
            if let message = state.message { natsMsg_Destroy(message) }
            state.message = nil
        }
    }

    public var acknowledgement: Acknowledgement? { state.withLock { $0.outcome } }

    /// Done: the server removes it (work queue) or moves the consumer on. Fire-and-forget; use
    /// `ackSync()` when the caller must know the server has it.
    public func ack() throws(BusError) {
        try finish(.acked, "ack") { natsMsg_Ack($0, nil) }
    }

    /// Acknowledges and waits for the server to confirm it.
    public func ackSync(timeout: Duration = .seconds(5)) async throws {
        try await consumer.connection.blocking.runIfActive { [self] in
            try self.finish(.acked, "ack (synchronous)") { message in
                var options = JetStream.cOptions(timeout)
                var errorCode = jsErrCode(0)
                return natsMsg_AckSync(message, &options, &errorCode)
            }
        }
    }

    /// Not done: redeliver, after `delay` when given (otherwise at once).
    public func nak(delay: Duration? = nil) throws(BusError) {
        try finish(.naked, "nak") { message in
            if let delay { return natsMsg_NakWithDelay(message, delay.milliseconds, nil) }
            return natsMsg_Nak(message, nil)
        }
    }

    /// Still working on it: restarts the ack-wait timer so it is not redelivered meanwhile.
    public func inProgress() throws(BusError) {
        try state.withLock { state throws(BusError) in
            guard state.outcome == nil, let message = state.message else {
                throw BusError.invalidArgument("in-progress on \(subject): already \(state.outcome.map { "\($0)" } ?? "released")")
            }
            try BusError.check(natsMsg_InProgress(message, nil), "in-progress on \(subject)")
        }
    }

    /// Never redeliver (a poison message); the caller should have published why.
    public func term() throws(BusError) {
        try finish(.terminated, "term") { natsMsg_Term($0, nil) }
    }

    private func finish(_ outcome: Acknowledgement, _ operation: String,
                        _ call: (OpaquePointer) -> natsStatus) throws(BusError) {
        try state.withLock { state throws(BusError) in
            guard state.outcome == nil, let message = state.message else {
                throw BusError.invalidArgument("\(operation) on \(subject): already \(state.outcome.map { "\($0)" } ?? "released")")
            }
            try BusError.check(call(message), "\(operation) on \(subject)")
            state.outcome = outcome
        }
    }

    private static func metadata(_ message: OpaquePointer) -> JetStreamMetadata {
        var meta: UnsafeMutablePointer<jsMsgMetaData>? = nil
        guard natsMsg_GetMetaData(&meta, message) == NATS_OK, let meta else {
            return JetStreamMetadata(stream: "", consumer: "", streamSequence: 0, consumerSequence: 0,
                                     deliveryCount: 0, pending: 0, timestampNanoseconds: 0)
        }
        defer { jsMsgMetaData_Destroy(meta) }
        let value = meta.pointee
        return JetStreamMetadata(
            stream: value.Stream.map { String(cString: $0) } ?? "",
            consumer: value.Consumer.map { String(cString: $0) } ?? "",
            streamSequence: value.Sequence.Stream,
            consumerSequence: value.Sequence.Consumer,
            deliveryCount: value.NumDelivered,
            pending: value.NumPending,
            timestampNanoseconds: value.Timestamp
        )
    }
}

/// A `natsMsg` handed from the fetch that produced it to the one `JetStreamMessage` that owns it.
///
/// natsMsg is not thread-safe, but this value is created by the fetch loop, moved into exactly one
/// `JetStreamMessage` and never used by the fetch loop again; from then on every use of the pointer
/// happens under that message's mutex.
struct OwnedNATSMessage: @unchecked Sendable {
    let raw: OpaquePointer
}
