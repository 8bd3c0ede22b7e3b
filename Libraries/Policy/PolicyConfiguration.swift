import Contracts

/// The knobs of the failover policy. Defaults are podmon's where podmon has the knob.
public struct PolicyConfiguration: Sendable, Equatable {
    /// podmon `--ignoreVolumelessPods`: protected pods without bound PVs are neither tracked nor
    /// cleaned, and do not block taint removal.
    public var ignoreVolumelessPods: Bool
    /// podmon `--skipArrayConnectionValidation`: proceed despite "connected / I/O in progress", but
    /// only when the node carries the `node.kubernetes.io/unreachable:NoExecute` taint.
    public var skipArrayConnectionValidation: Bool
    /// podmon `MaxCrashLoopBackOffRetry`: normal (not forced) deletes of a CrashLoopBackOff pod.
    public var maxCrashLoopDeletes: Int
    /// Decide, record and alert, but act on nothing.
    public var dryRun: Bool
    public var storm: StormLimits
    /// When an array's or a driver's fault is an outage, not node failures (`OutageBreaker`).
    public var outage: OutageBreaker.Limits
    /// What may say a pod is not Ready: its own condition only (podmon), or also its node's silence.
    public var notReadyEvidence: NotReadyEvidence
    /// Families whose arrays cannot give the proof node silence needs: their pods wait for their
    /// own Ready condition (podmon's rule), since fencing would refuse them anyway.
    public var familiesWithoutArrayProof: Set<Podguard_V1_ArrayFamily>
    /// A workload moved once is not moved again on a storage-side trigger within this (`RepeatGuard`);
    /// nil = no limit.
    public var repeatWindow: Duration?
    /// The node remediation ladders fencing climbs when the arrays cannot prove a node safe:
    /// decision names the node's in the records of its fences (and dry runs).
    public var ladders: RemediationLadders

    public init(ignoreVolumelessPods: Bool = false, skipArrayConnectionValidation: Bool = false,
                maxCrashLoopDeletes: Int = 5, dryRun: Bool = false, storm: StormLimits = StormLimits(),
                outage: OutageBreaker.Limits = OutageBreaker.Limits(),
                notReadyEvidence: NotReadyEvidence = .nodeSilence(grace: .zero),
                familiesWithoutArrayProof: Set<Podguard_V1_ArrayFamily> = [], repeatWindow: Duration? = .seconds(300),
                ladders: RemediationLadders = RemediationLadders()) {
        self.ignoreVolumelessPods = ignoreVolumelessPods
        self.skipArrayConnectionValidation = skipArrayConnectionValidation
        self.maxCrashLoopDeletes = maxCrashLoopDeletes
        self.dryRun = dryRun
        self.storm = storm
        self.outage = outage
        self.notReadyEvidence = notReadyEvidence
        self.familiesWithoutArrayProof = familiesWithoutArrayProof
        self.repeatWindow = repeatWindow
        self.ladders = ladders
    }
}

/// How much podguard may fence at once. Beyond a limit it alerts and waits: a mass loss of
/// connectivity (an array upgrade, a storage network outage) must not evacuate the whole cluster
/// (dell/csm#1435).
public struct StormLimits: Sendable, Equatable {
    /// Fences (pods) in progress at the same time; nil = no limit.
    public var maxConcurrentFences: Int?
    /// Share of the cluster's nodes that may be fenced (have fenced pods) at once, 0...1; nil = no limit.
    public var maxFencedNodeShare: Double?

    public init(maxConcurrentFences: Int? = 200, maxFencedNodeShare: Double? = 0.5) {
        self.maxConcurrentFences = maxConcurrentFences
        self.maxFencedNodeShare = maxFencedNodeShare
    }
}
