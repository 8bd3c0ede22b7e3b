/// What the leader believes one state bucket holds, so it writes only what changed and never
/// writes an object again after its deletion was observed. Pure; one per bucket.
///
/// `written` holds, per key, the uid and a digest of the content (header and observation time
/// stripped) last written — not the snapshot itself, which at scale would double the watcher's
/// memory. It is valid only while this replica leads: it is rebuilt from the bucket itself by
/// `reconcile` when leadership starts, and dropped when it ends.
public struct StateLedger<State: MirroredState>: Sendable {
    /// What the ledger believes one key holds.
    public struct Entry: Hashable, Sendable {
        public var uid: String
        public var digest: ContentDigest

        public init(_ state: State) {
            uid = state.objectUID
            digest = ContentDigest(state.content)
        }
    }

    public private(set) var written: [String: Entry] = [:]
    /// Uids of deleted objects, oldest first, bounded: a snapshot carrying one is never written.
    private var deletedUIDs: Set<String> = []
    private var deletedOrder: [String] = []
    private var deletedStart = 0
    public let maximumTombstones: Int

    public init(maximumTombstones: Int = 100_000) {
        self.maximumTombstones = maximumTombstones
    }

    public func wasDeleted(uid: String) -> Bool {
        deletedUIDs.contains(uid)
    }

    /// The write that makes `key` hold `state`: nil when it already holds that content, or when
    /// the object was deleted (a late projection must not resurrect it).
    public mutating func update(_ key: String, to state: State) -> StateWrite<State>? {
        guard state.objectUID.isEmpty || !deletedUIDs.contains(state.objectUID) else { return nil }
        let entry = Entry(state)
        if written[key] == entry { return nil }
        written[key] = entry
        return .put(key: key, state)
    }

    /// The object behind `key` no longer exists: remembers its uid and deletes the key if it holds a
    /// snapshot of that object. A snapshot of a newer incarnation (another uid) is left alone.
    public mutating func remove(_ key: String, uid: String?) -> StateWrite<State>? {
        if let uid, !uid.isEmpty { remember(uid) }
        guard let current = written[key] else { return nil }
        if let uid, !uid.isEmpty, !current.uid.isEmpty, current.uid != uid { return nil }
        remember(current.uid)
        written[key] = nil
        return .delete(key: key)
    }

    /// A write failed: forget what the key holds so the next update writes it again.
    public mutating func invalidate(_ key: String) {
        written[key] = nil
    }

    /// Leadership ended: another replica writes now.
    public mutating func forgetWritten() {
        written = [:]
    }

    /// One reconciliation in progress: what the bucket held when it started, and what the ledger
    /// will believe it holds once the desired snapshots fed so far are written.
    public struct Reconciliation: Sendable {
        var existing: [String: Entry?]
        var believed: [String: Entry] = [:]
        public internal(set) var failed: Set<String> = []
    }

    /// Starts reconciling a bucket that holds `existing` (per key, the entry of its value; nil: a
    /// value that does not decode).
    public func beginReconcile(existing: [String: Entry?]) -> Reconciliation {
        Reconciliation(existing: existing)
    }

    /// The puts that make the bucket hold these desired snapshots (what differs from what it
    /// held). Fed in chunks, so the whole desired state never has to be in memory at once.
    public func reconcile(_ desired: some Sequence<(key: String, state: State)>, in run: inout Reconciliation) -> [StateWrite<State>] {
        var writes: [StateWrite<State>] = []
        for (key, state) in desired {
            if !state.objectUID.isEmpty, deletedUIDs.contains(state.objectUID) { continue }
            let entry = Entry(state)
            run.believed[key] = entry
            if let current = run.existing[key], let current, current == entry { continue }
            writes.append(.put(key: key, state))
        }
        return writes
    }

    /// A write of the reconciliation failed: the key is not believed written when it finishes.
    public func reconcileFailed(_ key: String, in run: inout Reconciliation) {
        run.failed.insert(key)
    }

    /// Ends the reconciliation: the deletes of keys no desired snapshot was fed for. Afterwards
    /// the ledger believes the bucket holds what was fed (less the failed writes).
    public mutating func finishReconcile(_ run: Reconciliation) -> [StateWrite<State>] {
        var believed = run.believed
        for key in run.failed { believed[key] = nil }
        written = believed
        return run.existing.keys.sorted().filter { run.believed[$0] == nil }.map { .delete(key: $0) }
    }

    /// The writes that make the bucket, holding `existing` (nil: a value that does not decode),
    /// hold exactly `desired`: puts of what differs, deletes of keys whose objects no longer exist.
    /// Afterwards the ledger believes the bucket holds `desired`.
    public mutating func reconcile(existing: [String: State?], desired: [String: State]) -> [StateWrite<State>] {
        var run = beginReconcile(existing: existing.mapValues { $0.map(Entry.init) })
        let puts = reconcile(desired.keys.sorted().map { (key: $0, state: desired[$0]!) }, in: &run)
        return puts + finishReconcile(run)
    }

    private mutating func remember(_ uid: String) {
        guard !uid.isEmpty, deletedUIDs.insert(uid).inserted else { return }
        deletedOrder.append(uid)
        if deletedUIDs.count > maximumTombstones {
            deletedUIDs.remove(deletedOrder[deletedStart])
            deletedStart += 1
            // Compact now and then so the order array does not grow without bound.
            if deletedStart > maximumTombstones {
                deletedOrder.removeFirst(deletedStart)
                deletedStart = 0
            }
        }
    }
}
