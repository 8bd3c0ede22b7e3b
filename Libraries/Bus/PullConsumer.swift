import CNATS
import NIOPosix

/// A durable pull consumer bound to an existing JetStream consumer (`createOrUpdateConsumer`).
///
/// Every replica of a service binds the same durable name and fetches in batches; the server hands
/// each message to one of them and redelivers what is not acknowledged within the ack wait, so a
/// replica that dies mid-work loses nothing. Fetches block a thread of their own, so a long fetch
/// never starves other bus calls. Releasing the consumer does not delete the durable consumer.
public final class PullConsumer: Sendable {
    public let stream: String
    public let durableName: String
    let subscription: SubscriptionHandle
    let connection: BusConnection
    private let fetcher: NIOThreadPool

    init(stream: String, durableName: String, subscription: SubscriptionHandle, connection: BusConnection) {
        self.stream = stream
        self.durableName = durableName
        self.subscription = subscription
        self.connection = connection
        self.fetcher = NIOThreadPool(numberOfThreads: 1)
        fetcher.start()
    }

    deinit {
        fetcher.shutdownGracefully { _ in }
    }

    /// Up to `batch` messages, waiting at most `timeout` for the first; an empty array when none came.
    public func fetch(batch: Int, timeout: Duration) async throws -> [JetStreamMessage] {
        guard batch > 0 else { throw BusError.invalidArgument("fetch batch must be positive, got \(batch)") }
        let pointer = subscription.pointer
        return try await fetcher.runIfActive { [self] in
            var list = natsMsgList()
            var errorCode = jsErrCode(0)
            let status = natsSubscription_Fetch(&list, pointer.raw, Int32(clamping: batch), timeout.milliseconds, &errorCode)
            if status == NATS_TIMEOUT { return [] }
            try JetStreamError.check(status, errorCode, "fetch from \(self.stream)/\(self.durableName)")
            var messages: [JetStreamMessage] = []
            messages.reserveCapacity(Int(list.Count))
            for index in 0..<Int(list.Count) {
                guard let message = list.Msgs[index] else { continue }
                // Ownership moves to the Swift value; the list must not destroy it.
                list.Msgs[index] = nil
                messages.append(JetStreamMessage(taking: OwnedNATSMessage(raw: message), consumer: self))
            }
            natsMsgList_Destroy(&list)
            return messages
        }
    }

    /// Fetches in a loop until the task is cancelled or the connection closes.
    public func messages(batch: Int = 16, fetchTimeout: Duration = .seconds(1)) -> AsyncThrowingStream<JetStreamMessage, any Error> {
        AsyncThrowingStream(bufferingPolicy: .unbounded) { continuation in
            let task = Task {
                do {
                    while !Task.isCancelled {
                        for message in try await self.fetch(batch: batch, timeout: fetchTimeout) {
                            continuation.yield(message)
                        }
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}

extension JetStream {
    /// Binds to the durable consumer `durableName` of `stream` (create it first).
    public func pullConsumer(stream: String, durableName: String, filterSubject: String) async throws -> PullConsumer {
        let js = handle.pointer
        let timeout = apiTimeout
        let connectionHandle = connection.handle
        let subscription = try await connection.blocking.runIfActive { () throws -> SubscriptionHandle in
            let arena = CStringArena()
            var subscribeOptions = jsSubOptions()
            jsSubOptions_Init(&subscribeOptions)
            subscribeOptions.Stream = arena.string(stream)
            subscribeOptions.Consumer = arena.string(durableName)
            var options = JetStream.cOptions(timeout)
            var created: OpaquePointer? = nil
            var errorCode = jsErrCode(0)
            let status = js_PullSubscribe(&created, js.raw, filterSubject, durableName, &options, &subscribeOptions, &errorCode)
            withExtendedLifetime(arena) {}
            try JetStreamError.check(status, errorCode, "bind pull consumer \(durableName) on \(stream)")
            guard let created else { throw BusError.invalidArgument("nats.c returned no subscription") }
            return SubscriptionHandle(created, connection: connectionHandle)
        }
        return PullConsumer(stream: stream, durableName: durableName, subscription: subscription, connection: connection)
    }
}
