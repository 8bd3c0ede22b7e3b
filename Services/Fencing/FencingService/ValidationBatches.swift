import Contracts
import FencingCore

/// Joins the validations of one node and one family into a single ValidateVolumeHostConnectivity
/// carrying all of their volumes.
///
/// A failed node brings its hundred pods at once, and each would ask the array the same question
/// about the same host. Here the first caller for a node and family makes the call; everyone
/// arriving while it runs waits for the next call, which carries all their volumes together, so
/// a storm costs about two calls per node and family instead of one per pod. Every caller still
/// gets an answer asked after it arrived — never a cached one. The answer covers the union of the
/// volumes: I/O on any of them means the node is alive and aborts every pod of that batch, which
/// is the conservative reading. ReadWriteMany volumes are batched apart, since their I/O is
/// ignored (other nodes may write them).
public actor ValidationBatches {
    public struct Key: Hashable, Sendable {
        public var family: Podguard_V1_ArrayFamily
        public var node: String
        public var csiNodeID: String
        public var readWriteMany: Bool

        public init(family: Podguard_V1_ArrayFamily, node: String, csiNodeID: String, readWriteMany: Bool) {
            self.family = family
            self.node = node
            self.csiNodeID = csiNodeID
            self.readWriteMany = readWriteMany
        }
    }

    public typealias Call = @Sendable (_ key: Key, _ volumeHandles: [String], _ correlation: String) async -> FenceValidation.Reply

    private struct Batch {
        var volumeHandles: [String] = []
        var correlation = ""
        var waiters: [CheckedContinuation<FenceValidation.Reply, Never>] = []
    }

    private let call: Call
    /// The batch of each key that will go with the next call.
    private var waiting: [Key: Batch] = [:]
    /// Keys with a call running now.
    private var calling: Set<Key> = []
    private let onCall: @Sendable (_ key: Key, _ callers: Int) -> Void
    /// Calls made and callers answered.
    public private(set) var calls = 0
    public private(set) var callers = 0

    public init(onCall: @escaping @Sendable (_ key: Key, _ callers: Int) -> Void = { _, _ in }, call: @escaping Call) {
        self.onCall = onCall
        self.call = call
    }

    public func validate(_ key: Key, volumeHandles: [String], correlation: String) async -> FenceValidation.Reply {
        await withCheckedContinuation { continuation in
            var batch = waiting[key] ?? Batch(correlation: correlation)
            for handle in volumeHandles where !batch.volumeHandles.contains(handle) { batch.volumeHandles.append(handle) }
            batch.waiters.append(continuation)
            waiting[key] = batch
            if calling.insert(key).inserted {
                Task { await self.drain(key) }
            }
        }
    }

    /// Callers queued for the next call of `key` (tests).
    public func waitingCallers(_ key: Key) -> Int { waiting[key]?.waiters.count ?? 0 }

    private func drain(_ key: Key) async {
        while let batch = waiting.removeValue(forKey: key) {
            calls += 1
            callers += batch.waiters.count
            onCall(key, batch.waiters.count)
            let reply = await call(key, batch.volumeHandles, batch.correlation)
            for waiter in batch.waiters { waiter.resume(returning: reply) }
        }
        calling.remove(key)
    }
}
