public import Bus
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
        await follow(as: Value.self, logger: logger, caughtUp: { if let caughtUp { sink.yield(caughtUp) } }) { sink.yield(input($0, $1)) }
    }

    /// The same, handing each change to `apply(key, value or nil)` and the end of the current values
    /// to `caughtUp`.
    public func follow<Value: SwiftProtobuf.Message & Sendable>(
        as type: Value.Type, logger: Logger, caughtUp: @escaping @Sendable () -> Void,
        apply: @escaping @Sendable (String, Value?) -> Void
    ) async {
        await follow(as: Value.self, logger: logger) { update in
            switch update {
            case .caughtUp: caughtUp()
            case .put(let key, let value, _, _): apply(key, value)
            case .deleted(let key): apply(key, nil)
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
