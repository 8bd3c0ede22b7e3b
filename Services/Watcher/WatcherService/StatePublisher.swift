import Bus
import Contracts
import Logging
import SwiftProtobuf

/// Carries the ledgers' writes to the buckets and subjects: a put is a KeyValue put, then the same
/// snapshot on the core subject; a delete is a KeyValue delete only. Owned by the service's single
/// event task, so writes of one key happen in the order they were decided.
struct StatePublisher {
    let connection: BusConnection
    let nodesBucket: KeyValueStore
    let podsBucket: KeyValueStore
    let subjects: PodguardSubjects
    let metrics: WatcherMetrics
    let logger: Logger
    /// Checked before every write: the elector's own view, which turns false as soon as a renewal
    /// deadline passes, even before the event task hears of it.
    let mayWrite: @Sendable () -> Bool

    var nodes = StateLedger<Podguard_V1_NodeState>()
    var pods = StateLedger<Podguard_V1_PodState>()
    /// A write failed: the buckets may differ from the ledgers until the next reconcile.
    private(set) var needsRepair = false

    mutating func update(node state: Podguard_V1_NodeState) async {
        let key = PodguardKeys.node(state.name)
        if nodes.wasDeleted(uid: state.uid) { metrics.resurrectionRefused(kind: "node"); return }
        guard let write = nodes.update(key, to: state) else { return }
        await perform(write, kind: "node")
    }

    mutating func removeNode(named name: String) async {
        guard let write = nodes.remove(PodguardKeys.node(name), uid: nil) else { return }
        await perform(write, kind: "node")
    }

    mutating func update(pod state: Podguard_V1_PodState) async {
        let key = PodguardKeys.pod(namespace: state.namespace, name: state.name)
        if pods.wasDeleted(uid: state.uid) { metrics.resurrectionRefused(kind: "pod"); return }
        guard let write = pods.update(key, to: state) else { return }
        await perform(write, kind: "pod")
    }

    mutating func removePod(namespace: String, name: String) async {
        guard let write = pods.remove(PodguardKeys.pod(namespace: namespace, name: name), uid: nil) else { return }
        await perform(write, kind: "pod")
    }

    /// Makes both buckets hold exactly the desired snapshots. Returns the number of writes.
    mutating func reconcile(nodes desiredNodes: [String: Podguard_V1_NodeState],
                            pods desiredPods: [String: Podguard_V1_PodState]) async throws -> Int {
        needsRepair = true  // until the buckets were read; a failed write below sets it again
        let existingNodes = try await Self.contents(of: nodesBucket, as: Podguard_V1_NodeState.self)
        let existingPods = try await Self.contents(of: podsBucket, as: Podguard_V1_PodState.self)
        needsRepair = false
        let nodeWrites = nodes.reconcile(existing: existingNodes, desired: desiredNodes)
        let podWrites = pods.reconcile(existing: existingPods, desired: desiredPods)
        for write in nodeWrites { await perform(write, kind: "node") }
        for write in podWrites { await perform(write, kind: "pod") }
        return nodeWrites.count + podWrites.count
    }

    mutating func stopPublishing() {
        nodes.forgetWritten()
        pods.forgetWritten()
        needsRepair = false
    }

    private mutating func perform(_ write: StateWrite<Podguard_V1_NodeState>, kind: String) async {
        let subjects = subjects
        guard await execute(write, in: nodesBucket, kind: kind, subject: { subjects.nodeState($0.name) }) else {
            needsRepair = true
            return nodes.invalidate(write.key)
        }
    }

    private mutating func perform(_ write: StateWrite<Podguard_V1_PodState>, kind: String) async {
        let subjects = subjects
        guard await execute(write, in: podsBucket, kind: kind, subject: { subjects.podState(namespace: $0.namespace, name: $0.name) }) else {
            needsRepair = true
            return pods.invalidate(write.key)
        }
    }

    /// Returns false when the write failed.
    private func execute<State: MirroredState>(_ write: StateWrite<State>, in bucket: KeyValueStore, kind: String,
                                                       subject: (State) -> String) async -> Bool {
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

    /// What a bucket holds now (nil: a value that does not decode as `State`).
    static func contents<State: MirroredState>(of bucket: KeyValueStore, as type: State.Type) async throws -> [String: State?] {
        var contents: [String: State?] = [:]
        for try await update in try await bucket.watch() {
            switch update {
            case .caughtUp:
                return contents
            case .entry(let entry) where entry.operation == .put:
                contents.updateValue(try? State(serializedBytes: entry.value), forKey: entry.key)
            case .entry(let entry):
                contents.removeValue(forKey: entry.key)
            }
        }
        return contents
    }
}
