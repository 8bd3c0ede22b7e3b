import Synchronization

/// What this replica asked of the API that its caches have not shown yet (controller-runtime's
/// "expectations"): pods created but not yet listed, pods deleted but still listed as active.
/// Without it a reconcile that runs before the watch delivers would create or delete twice.
/// An expectation lapses after `timeout` (a watch event lost for good is healed by the relist).
final class Expectations: Sendable {
    private struct Entry { var since: ContinuousClock.Instant }
    private let state = Mutex<(creations: [String: [String: Entry]], deletions: [String: [String: Entry]])>(([:], [:]))
    let timeout: Duration

    init(timeout: Duration = .seconds(60)) {
        self.timeout = timeout
    }

    func expectCreation(of pod: String, in cluster: String) {
        state.withLock { $0.creations[cluster, default: [:]][pod] = Entry(since: .now) }
    }

    func expectDeletion(ofUID uid: String, in cluster: String) {
        state.withLock { $0.deletions[cluster, default: [:]][uid] = Entry(since: .now) }
    }

    /// Pod names still expected to appear, after dropping those now seen (`seen`) or lapsed.
    func pendingCreations(in cluster: String, seen: Set<String>) -> Set<String> {
        let now = ContinuousClock.now
        return state.withLock { state in
            let kept = (state.creations[cluster] ?? [:]).filter { !seen.contains($0.key) && now - $0.value.since < timeout }
            state.creations[cluster] = kept.isEmpty ? nil : kept
            return Set(kept.keys)
        }
    }

    /// Uids deleted by this replica whose pods are still listed without a deletion timestamp.
    func pendingDeletions(in cluster: String, activeUIDs: Set<String>) -> Set<String> {
        let now = ContinuousClock.now
        return state.withLock { state in
            let kept = (state.deletions[cluster] ?? [:]).filter { activeUIDs.contains($0.key) && now - $0.value.since < timeout }
            state.deletions[cluster] = kept.isEmpty ? nil : kept
            return Set(kept.keys)
        }
    }

    func forget(_ cluster: String) {
        state.withLock { $0.creations[cluster] = nil; $0.deletions[cluster] = nil }
    }
}
