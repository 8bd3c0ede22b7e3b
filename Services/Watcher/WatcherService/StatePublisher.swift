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

    /// Makes both buckets hold exactly the snapshots projected from the sources, projecting and
    /// writing `chunkSize` at a time: at 30,000 pods, building every snapshot first would hold
    /// them all (and their writes) in memory at once. Returns the number of writes.
    mutating func reconcile<NodeSource, PodSource>(
        nodeSources: [NodeSource], node: (NodeSource) -> (key: String, state: Podguard_V1_NodeState)?,
        podSources: [PodSource], pod: (PodSource) -> (key: String, state: Podguard_V1_PodState)?,
        chunkSize: Int = 1_000
    ) async throws -> Int {
        needsRepair = true  // until the buckets were read; a failed write below sets it again
        let existingNodes = try await nodeWriter.entries()
        let existingPods = try await podWriter.entries()
        needsRepair = false
        var nodeRun = nodes.beginReconcile(existing: existingNodes)
        var podRun = pods.beginReconcile(existing: existingPods)
        var writes = await Self.put(nodeSources, projected: node, ledger: nodes, run: &nodeRun, writer: nodeWriter,
                                    chunkSize: chunkSize, concurrency: reconcileConcurrency)
        writes += await Self.put(podSources, projected: pod, ledger: pods, run: &podRun, writer: podWriter,
                                 chunkSize: chunkSize, concurrency: reconcileConcurrency)
        if !nodeRun.failed.isEmpty || !podRun.failed.isEmpty { needsRepair = true }
        let nodeDeletes = nodes.finishReconcile(nodeRun)
        let podDeletes = pods.finishReconcile(podRun)
        writes += nodeDeletes.count + podDeletes.count
        for key in await nodeWriter.write(all: nodeDeletes, maximumInFlight: reconcileConcurrency) { failed(nodeKey: key) }
        for key in await podWriter.write(all: podDeletes, maximumInFlight: reconcileConcurrency) { failed(podKey: key) }
        return writes
    }

    /// Projects, compares and writes the sources' snapshots a chunk at a time; returns the number
    /// of puts. Failed keys are noted in `run`.
    private static func put<Source, State: MirroredState>(
        _ sources: [Source], projected: (Source) -> (key: String, state: State)?, ledger: StateLedger<State>,
        run: inout StateLedger<State>.Reconciliation, writer: StateWriter<State>, chunkSize: Int, concurrency: Int
    ) async -> Int {
        var puts = 0
        for start in stride(from: 0, to: sources.count, by: chunkSize) {
            let chunk = ledger.reconcile(sources[start..<min(start + chunkSize, sources.count)].compactMap(projected), in: &run)
            puts += chunk.count
            for key in await writer.write(all: chunk, maximumInFlight: concurrency) { ledger.reconcileFailed(key, in: &run) }
        }
        return puts
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
