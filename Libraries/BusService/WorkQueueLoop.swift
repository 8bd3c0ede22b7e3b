public import Bus
public import Logging
import ServiceLifecycle

/// Pulls from one durable consumer and works on up to `concurrency` messages at once, each in a
/// task of its own. Stops fetching on graceful shutdown and lets the messages in hand finish (they
/// settle themselves; one cut short is redelivered after the ack wait). Shared by fencing's work
/// queues and alert-relay's consumer.
public struct WorkQueueLoop: Sendable {
    let consumer: PullConsumer
    let concurrency: Int
    let logger: Logger
    let onCountChange: @Sendable (Int) -> Void
    let afterFetchFailure: (@Sendable () async -> Void)?

    /// - Parameter afterFetchFailure: runs after a failed fetch, before the next (a service that
    ///   owns its consumer creates it again there, should anyone have deleted it).
    public init(consumer: PullConsumer, concurrency: Int, logger: Logger, onCountChange: @escaping @Sendable (Int) -> Void = { _ in },
                afterFetchFailure: (@Sendable () async -> Void)? = nil) {
        self.consumer = consumer
        self.concurrency = max(1, concurrency)
        self.logger = logger
        self.onCountChange = onCountChange
        self.afterFetchFailure = afterFetchFailure
    }

    public func run(_ handle: @escaping @Sendable (JetStreamMessage) async -> Void) async {
        await withTaskGroup(of: Void.self) { group in
            // Counts started tasks not yet reaped; reaping happens only when the limit is reached,
            // so the count may run ahead of the truth, which only shrinks the next fetch.
            var running = 0
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                if running >= concurrency {
                    await group.next()
                    running -= 1
                    continue
                }
                do {
                    let messages = try await consumer.fetch(batch: concurrency - running, timeout: .seconds(1))
                    for message in messages {
                        running += 1
                        onCountChange(1)
                        group.addTask {
                            await handle(message)
                            onCountChange(-1)
                        }
                    }
                } catch {
                    logger.warning("fetch failed; trying again", metadata: ["consumer": "\(consumer.durableName)", "error": "\(error)"])
                    try? await Task.sleep(for: .seconds(1))
                    await afterFetchFailure?()
                }
            }
            await group.waitForAll()
        }
    }
}
