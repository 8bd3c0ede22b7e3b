/// controller-runtime's work queue, for cluster keys: a key waits at most once, is handed to one
/// worker at a time, and one added while in work is handed out again when that work is done (so
/// the last change is always reconciled). Delayed adds wake a key later (liveness timeouts,
/// minReadySeconds, the periodic resync).
actor ReconcileQueue {
    private var waiting: [String] = []
    private var queued: Set<String> = []
    private var processing: Set<String> = []
    private var dirty: Set<String> = []
    private var waiters: [CheckedContinuation<String?, Never>] = []
    private var finished = false

    func add(_ key: String) {
        guard !finished else { return }
        if processing.contains(key) { dirty.insert(key); return }
        guard !queued.contains(key) else { return }
        if waiters.isEmpty {
            queued.insert(key)
            waiting.append(key)
        } else {
            processing.insert(key)
            waiters.removeFirst().resume(returning: key)
        }
    }

    nonisolated func add(_ key: String, after delay: Duration) {
        Task {
            try? await Task.sleep(for: delay)
            await self.add(key)
        }
    }

    /// The next key to reconcile; nil once the queue is shut down.
    func next() async -> String? {
        if finished { return nil }
        if !waiting.isEmpty {
            let key = waiting.removeFirst()
            queued.remove(key)
            processing.insert(key)
            return key
        }
        return await withCheckedContinuation { waiters.append($0) }
    }

    func done(_ key: String) {
        processing.remove(key)
        if dirty.remove(key) != nil { add(key) }
    }

    func shutDown() {
        finished = true
        for waiter in waiters { waiter.resume(returning: nil) }
        waiters = []
    }

    var depth: Int { waiting.count }
}
