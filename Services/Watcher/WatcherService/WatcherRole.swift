/// Whether this replica publishes, as an explicit state machine (pure).
///
/// ```
/// standby ──acquired (caches synced)──▶ leading
/// standby ──acquired (not synced)────▶ awaitingSync ──caches synced──▶ leading
/// leading / awaitingSync ──lost──▶ standby
/// any ──stopped──▶ stopped (terminal)
/// ```
/// Entering `leading` always reconciles the buckets with the caches first, because the previous
/// leader (or this replica before a restart) may have left them different from Kubernetes.
public struct WatcherRole: Sendable, Hashable {
    public enum State: Sendable, Hashable {
        case standby
        case awaitingSync
        case leading
        case stopped
    }

    public enum Action: Sendable, Hashable {
        case none
        /// Compare the buckets with the caches and repair them, then publish changes as they come.
        case reconcile
        /// Stop publishing at once and forget what the buckets were believed to hold.
        case stopPublishing
    }

    public private(set) var state: State = .standby
    public private(set) var cachesSynced = false

    public init() {}

    /// Changes are published only while leading.
    public var publishes: Bool { state == .leading }

    public mutating func leadershipAcquired() -> Action {
        guard state == .standby else { return .none }
        if cachesSynced {
            state = .leading
            return .reconcile
        }
        state = .awaitingSync
        return .none
    }

    public mutating func leadershipLost() -> Action {
        switch state {
        case .leading:
            state = .standby
            return .stopPublishing
        case .awaitingSync:
            state = .standby
            return .none
        case .standby, .stopped:
            return .none
        }
    }

    public mutating func allCachesSynced() -> Action {
        guard !cachesSynced else { return .none }
        cachesSynced = true
        guard state == .awaitingSync else { return .none }
        state = .leading
        return .reconcile
    }

    public mutating func stop() -> Action {
        defer { state = .stopped }
        return state == .leading ? .stopPublishing : .none
    }
}
