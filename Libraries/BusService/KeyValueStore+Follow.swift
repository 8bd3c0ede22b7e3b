public import Bus
public import Foundation
public import Logging
public import SwiftProtobuf

extension KeyValueStore {
    /// Follows the bucket (`follow(as:logger:)`: its values, then live changes, restarted after bus
    /// errors; an undecodable value is counted, logged and read as absent) and yields each put as
    /// `input(key, value)`, each delete as `input(key, nil)` and, when given, `caughtUp` once the
    /// current values are in, into `sink`: how a service turns its buckets into one stream of inputs
    /// for the task that owns its state.
    public func follow<Value: SwiftProtobuf.Message & Sendable, Input: Sendable>(
        as type: Value.Type, into sink: AsyncStream<Input>.Continuation, logger: Logger, caughtUp: Input? = nil,
        _ input: @escaping @Sendable (String, Value?) -> Input
    ) async {
        await follow(as: Value.self, into: sink, logger: logger, caughtUp: caughtUp) { key, value, _ in input(key, value) }
    }

    /// The same, with each put's server time (`storedAt`; nil for a delete): for values whose age
    /// counts, from the server's clock rather than their producer's.
    public func follow<Value: SwiftProtobuf.Message & Sendable, Input: Sendable>(
        as type: Value.Type, into sink: AsyncStream<Input>.Continuation, logger: Logger, caughtUp: Input? = nil,
        _ input: @escaping @Sendable (String, Value?, Date?) -> Input
    ) async {
        await follow(as: Value.self, logger: logger) { update in
            switch update {
            case .caughtUp: if let caughtUp { sink.yield(caughtUp) }
            case .put(let key, let value, _, let storedAt): sink.yield(input(key, value, storedAt))
            case .deleted(let key): sink.yield(input(key, nil, nil))
            }
        }
    }
}

extension AsyncStream.Continuation where Element: Sendable {
    /// Yields `tick` every `interval` until the task is cancelled.
    public func yieldTicks(every interval: Duration, _ tick: Element) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            yield(tick)
        }
    }
}
