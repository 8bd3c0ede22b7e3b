import Contracts

/// Decides with the ledgers what to write and has the writers write it. Owned by the service's
/// single event task, so the writes of one key happen in the order they were decided; only a
/// reconcile writes several keys at once (each key once).
struct StatePublisher {
    let nodeWriter: StateWriter<Podguard_V1_NodeState>
    let podWriter: StateWriter<Podguard_V1_PodState>
    /// Writes in flight during a reconcile (the bus runs KeyValue calls on a few threads).
    let reconcileConcurrency: Int
    let metrics: WatcherMetrics

    var nodes = StateLedger<Podguard_V1_NodeState>()
    var pods = StateLedger<Podguard_V1_PodState>()
    /// A write failed: the buckets may differ from the ledgers until the next reconcile.
    private(set) var needsRepair = false

    init(nodeWriter: StateWriter<Podguard_V1_NodeState>, podWriter: StateWriter<Podguard_V1_PodState>,
         reconcileConcurrency: Int = 8, metrics: WatcherMetrics) {
        self.nodeWriter = nodeWriter
        self.podWriter = podWriter
        self.reconcileConcurrency = reconcileConcurrency
        self.metrics = metrics
    }

    mutating func update(node state: Podguard_V1_NodeState) async {
        if nodes.wasDeleted(uid: state.uid) { return metrics.resurrectionRefused(kind: "node") }
        guard let write = nodes.update(PodguardKeys.node(state.name), to: state) else { return }
        if await !nodeWriter.write(write) { failed(nodeKey: write.key) }
    }

    mutating func removeNode(named name: String) async {
        guard let write = nodes.remove(PodguardKeys.node(name), uid: nil) else { return }
        if await !nodeWriter.write(write) { failed(nodeKey: write.key) }
    }

    mutating func update(pod state: Podguard_V1_PodState) async {
        if pods.wasDeleted(uid: state.uid) { return metrics.resurrectionRefused(kind: "pod") }
        guard let write = pods.update(PodguardKeys.pod(namespace: state.namespace, name: state.name), to: state) else { return }
        if await !podWriter.write(write) { failed(podKey: write.key) }
    }

    mutating func removePod(namespace: String, name: String) async {
        guard let write = pods.remove(PodguardKeys.pod(namespace: namespace, name: name), uid: nil) else { return }
        if await !podWriter.write(write) { failed(podKey: write.key) }
    }

    /// Makes both buckets hold exactly the desired snapshots. Returns the number of writes.
    mutating func reconcile(nodes desiredNodes: [String: Podguard_V1_NodeState],
                            pods desiredPods: [String: Podguard_V1_PodState]) async throws -> Int {
        needsRepair = true  // until the buckets were read; a failed write below sets it again
        let existingNodes = try await nodeWriter.contents()
        let existingPods = try await podWriter.contents()
        needsRepair = false
        let nodeWrites = nodes.reconcile(existing: existingNodes, desired: desiredNodes)
        let podWrites = pods.reconcile(existing: existingPods, desired: desiredPods)
        for key in await nodeWriter.write(all: nodeWrites, maximumInFlight: reconcileConcurrency) { failed(nodeKey: key) }
        for key in await podWriter.write(all: podWrites, maximumInFlight: reconcileConcurrency) { failed(podKey: key) }
        return nodeWrites.count + podWrites.count
    }

    mutating func stopPublishing() {
        nodes.forgetWritten()
        pods.forgetWritten()
        needsRepair = false
    }

    private mutating func failed(nodeKey: String) {
        nodes.invalidate(nodeKey)
        needsRepair = true
    }

    private mutating func failed(podKey: String) {
        pods.invalidate(podKey)
        needsRepair = true
    }
}
