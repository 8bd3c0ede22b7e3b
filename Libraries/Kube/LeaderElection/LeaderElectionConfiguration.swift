/// Timings and identity of a leader election (client-go's meaning; podmon uses 15 s / 10 s / 5 s).
public struct LeaderElectionConfiguration: Sendable, Hashable {
    public var namespace: String
    public var leaseName: String
    /// This candidate's identity (the pod name, usually).
    public var identity: String
    /// How long a lease stays valid without renewal: a candidate takes over after this.
    public var leaseDuration: Duration = .seconds(15)
    /// A leader that could not renew for this long steps down (must be < leaseDuration, so it
    /// stops acting before anyone else may start).
    public var renewDeadline: Duration = .seconds(10)
    /// Interval between acquisition attempts and between renewals.
    public var retryPeriod: Duration = .seconds(5)
    /// Give the lease up when ``LeaderElector/run()`` is cancelled, so a successor need not wait.
    public var releaseOnCancel: Bool = true

    public init(namespace: String, leaseName: String, identity: String) {
        self.namespace = namespace
        self.leaseName = leaseName
        self.identity = identity
    }
}
