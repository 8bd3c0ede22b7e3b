/// What a ``LeaderElector`` reports.
public enum LeadershipChange: Sendable, Hashable {
    /// This candidate is the leader now: start leading.
    case acquired
    /// This candidate is no longer the leader: stop acting at once. The reason says why
    /// (renewal failed past the deadline, lease taken by another, released on shutdown).
    case lost(reason: String)
    /// Another (or no) candidate holds the lease, as observed.
    case observedLeader(String?)
}
