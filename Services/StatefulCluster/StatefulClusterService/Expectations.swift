import Synchronization

/// What this replica asked of the API that its caches have not shown yet (controller-runtime's
/// "expectations"): pods and claims created but not yet listed, pods and claims deleted but still
/// listed as they were. Without it a reconcile that runs before the watch delivers would create or delete
/// twice. An expectation lapses after `timeout` (a watch event lost for good is healed by the
/// relist).
final class Expectations: Sendable {
    enum Kind: Hashable { case podCreated, claimCreated, podDeleted, claimDeleted }

    private struct Key: Hashable {
        var cluster: String
        var kind: Kind
    }

    private let state = Mutex<[Key: [String: ContinuousClock.Instant]]>([:])
    let timeout: Duration

    init(timeout: Duration = .seconds(60)) {
        self.timeout = timeout
    }

    /// Expects `name` (a pod or claim name; a pod uid for deletions) to show in the caches.
    func expect(_ kind: Kind, _ name: String, in cluster: String) {
        state.withLock { $0[Key(cluster: cluster, kind: kind), default: [:]][name] = .now }
    }

    /// What is still expected, after dropping what `observed` says has happened (a created name
    /// now listed; a deleted uid no longer listed as active) and what lapsed.
    func pending(_ kind: Kind, in cluster: String, observed: (String) -> Bool) -> Set<String> {
        let now = ContinuousClock.now
        let key = Key(cluster: cluster, kind: kind)
        return state.withLock { state in
            let kept = (state[key] ?? [:]).filter { !observed($0.key) && now - $0.value < timeout }
            state[key] = kept.isEmpty ? nil : kept
            return Set(kept.keys)
        }
    }

    func forget(_ cluster: String) {
        state.withLock { state in state = state.filter { $0.key.cluster != cluster } }
    }
}
