/// The state machine of one candidate (pure: times are passed in).
///
/// ```
/// candidate ──acquired──▶ leader ──renewed──▶ leader
///     ▲                    │  renewal failed past renewDeadline / lease held by another
///     └────────────────────┘  (step down: report `lost`)
/// leader ──cancelled──▶ released (terminal)      candidate ──cancelled──▶ released
/// ```
/// A candidate may take the lease when it is free, its own, or not renewed for `leaseDuration`
/// as measured on this candidate's own clock from when it last saw the lease change (the
/// holder's clock is never trusted, as in client-go).
public struct LeaderElectionState: Sendable, Hashable {
    public enum Phase: Sendable, Hashable {
        case candidate
        case leader(lastRenewal: Duration)
        case released
    }

    public private(set) var phase: Phase = .candidate
    /// The lease record last seen (holder and renew time) and when it was first seen like that.
    private var observed: LeaseSpec?
    private var observedAt: Duration = .zero
    public let identity: String
    public let leaseDuration: Duration
    public let renewDeadline: Duration

    public init(identity: String, leaseDuration: Duration, renewDeadline: Duration) {
        self.identity = identity
        self.leaseDuration = leaseDuration
        self.renewDeadline = renewDeadline
    }

    public var isLeader: Bool { if case .leader = phase { true } else { false } }

    /// Notes the lease as read at `now`; returns whether this candidate may write itself in.
    public mutating func mayAcquire(_ lease: LeaseSpec?, now: Duration) -> Bool {
        guard let lease else { return true }
        let sameRecord = observed?.holderIdentity == lease.holderIdentity && observed?.renewTime == lease.renewTime
        if !sameRecord {
            observed = lease
            observedAt = now
        }
        guard let holder = lease.holderIdentity, !holder.isEmpty, holder != identity else { return true }
        let duration = lease.leaseDurationSeconds.map { Duration.seconds(Int($0)) } ?? leaseDuration
        return now - observedAt >= duration
    }

    /// The lease was written with this candidate as holder at `now`. Returns `true` on a new term.
    public mutating func renewed(now: Duration) -> Bool {
        let wasLeader = isLeader
        phase = .leader(lastRenewal: now)
        return !wasLeader
    }

    /// An acquisition or renewal failed at `now`. Returns the reason to step down, if it must:
    /// another holder wrote the lease (`heldBy`), or renewals failed for longer than the deadline.
    public mutating func failed(now: Duration, heldBy: String?) -> String? {
        guard case .leader(let last) = phase else { return nil }
        if let heldBy, heldBy != identity {
            phase = .candidate
            return "lease taken by \(heldBy)"
        }
        if now - last >= renewDeadline {
            phase = .candidate
            return "could not renew the lease for \(now - last)"
        }
        return nil
    }

    /// Shut down. Returns whether the lease should be released (this candidate held it).
    public mutating func cancel() -> Bool {
        defer { phase = .released }
        return isLeader
    }
}
