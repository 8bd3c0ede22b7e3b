import Synchronization

/// Whether this replica may write: it holds the Lease and every cache has its first list (a
/// reconcile on a half-filled cache would create pods that exist, or delete claims whose pod is
/// only not listed yet).
final class LeadershipGate: Sendable {
    private let state: Mutex<(leader: Bool, unsynced: Int)>

    init(informers: Int) {
        state = Mutex((false, informers))
    }

    var mayAct: Bool { state.withLock { $0.leader && $0.unsynced == 0 } }

    func setLeader(_ leader: Bool) { state.withLock { $0.leader = leader } }

    /// Counts a first list; true when it was the last one.
    func informerSynced() -> Bool {
        state.withLock { state in
            guard state.unsynced > 0 else { return false }
            state.unsynced -= 1
            return state.unsynced == 0
        }
    }
}
