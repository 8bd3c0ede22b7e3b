import Bus
import Logging
import SwiftProtobuf

extension KeyValueStore {
    /// Follows the bucket (`follow(as:logger:)`, restarted after bus errors) and yields each put as
    /// `input(key, value)` and each delete as `input(key, nil)` into `sink`: how fencing's
    /// observers turn buckets into one stream of inputs.
    func follow<Value: SwiftProtobuf.Message & Sendable, Input: Sendable>(
        as type: Value.Type, into sink: AsyncStream<Input>.Continuation, logger: Logger,
        _ input: @escaping @Sendable (String, Value?) -> Input
    ) async {
        await follow(as: Value.self, logger: logger) { update in
            switch update {
            case .caughtUp: break
            case .put(let key, let value, _): sink.yield(input(key, value))
            case .deleted(let key): sink.yield(input(key, nil))
            }
        }
    }
}

extension AsyncStream.Continuation where Element: Sendable {
    /// Yields `tick` every `interval` until the task is cancelled.
    func yieldTicks(every interval: Duration, _ tick: Element) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            yield(tick)
        }
    }
}
