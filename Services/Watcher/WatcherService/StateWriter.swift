import Bus
import Contracts
import Logging
import SwiftProtobuf

/// Writes one bucket's snapshots: a put is a KeyValue put, then the same snapshot on its core
/// subject; a delete is a KeyValue delete only (consumers learn of deletions from the bucket).
struct StateWriter<State: MirroredState>: Sendable {
    let connection: BusConnection
    let bucket: KeyValueStore
    /// `node` or `pod`, for metrics and logs.
    let kind: String
    let subject: @Sendable (State) -> String
    let metrics: WatcherMetrics
    let logger: Logger
    /// Checked before every write: the elector's own view, which turns false as soon as a renewal
    /// deadline passes, even before the event task hears of it.
    let mayWrite: @Sendable () -> Bool

    /// Returns false when the write failed (the bucket may not hold what the ledger believes).
    func write(_ write: StateWrite<State>) async -> Bool {
        guard mayWrite() else { return true }
        do {
            switch write {
            case .put(let key, let state):
                try await bucket.put(key, message: state)
                metrics.published(kind: kind, operation: "put")
                do {
                    try connection.publish(state, to: subject(state))
                } catch {
                    // The bucket has it; core subjects only speed consumers up.
                    logger.debug("could not publish state on its subject", metadata: ["key": "\(key)", "error": "\(error)"])
                }
            case .delete(let key):
                try await bucket.delete(key)
                metrics.published(kind: kind, operation: "delete")
            }
            return true
        } catch {
            metrics.publishFailed(kind: kind)
            logger.warning("could not write state; will repair", metadata: ["bucket": "\(bucket.bucket)", "key": "\(write.key)",
                                                                             "error": "\(error)"])
            return false
        }
    }

    /// Writes of distinct keys, several in flight (a reconcile after a takeover may write every
    /// key). Returns the keys whose write failed.
    func write(all writes: [StateWrite<State>], maximumInFlight: Int) async -> [String] {
        await withTaskGroup(of: (String, Bool).self) { group in
            var pending = writes[...]
            var failed: [String] = []
            for _ in 0..<maximumInFlight {
                guard let next = pending.popFirst() else { break }
                group.addTask { (next.key, await self.write(next)) }
            }
            while let (key, succeeded) = await group.next() {
                if !succeeded { failed.append(key) }
                if let next = pending.popFirst() { group.addTask { (next.key, await self.write(next)) } }
            }
            return failed
        }
    }

    /// What the bucket holds now, as ledger entries (nil: a value that does not decode as
    /// `State`): each value is decoded and digested as it arrives, never all kept at once.
    func entries() async throws -> [String: StateLedger<State>.Entry?] {
        var entries: [String: StateLedger<State>.Entry?] = [:]
        for try await update in try await bucket.watch() {
            switch update {
            case .caughtUp:
                return entries
            case .entry(let entry) where entry.operation == .put:
                entries.updateValue((try? State(serializedBytes: entry.value)).map(StateLedger<State>.Entry.init), forKey: entry.key)
            case .entry(let entry):
                entries.removeValue(forKey: entry.key)
            }
        }
        return entries
    }
}
