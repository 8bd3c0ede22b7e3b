public import Foundation
public import Policy

/// The cleanup cycle of one node, as an explicit state machine (swift-nio style): events go in,
/// the action to take comes out; no I/O, no clock of its own.
///
/// ```
///   waitingForTaint ──taint seen──▶ waitingForStability ──stable for the window──▶ cleaning
///         ▲                              ▲      │                                   │  │
///         │                              │      └──taint gone (not by us)───────────┼──┤
///         │                              │                                          │  │
///         └──────taint removed by the attempt (or gone, or node deleted)────────────┘  │
///                                        │                                             │
///                                   backingOff ◀──────────taint kept (why is reported)─┘
///                                        └──backoff over and stable for the window──▶ cleaning
/// ```
///
/// "Stable" means: the podguard taint is there, the node is Ready, it has no unreachable taint,
/// and every read of it has succeeded, continuously for the whole window. A flap (Ready lost, an
/// unreachable taint, a failed read, no read for `observationTimeout`, a changed Ready transition
/// time, a changed boot id) restarts the window; podmon's equivalent is 4 consecutive polls 30 s
/// apart. The episode (attempt count, zombie memory) ends when the taint goes.
public struct CleanupCycleStateMachine: Sendable {
    public typealias Instant = ContinuousClock.Instant

    public enum Action: Sendable, Equatable {
        case none
        /// Run cleanup attempt `attempt`; zombies were seen earlier in this episode under this boot id.
        case startAttempt(attempt: UInt32, zombiesSeenAtBootID: String?)
        /// The podguard taint went away without a successful attempt: someone removed it by hand
        /// (podmon: "taint manually removed"). The service alerts if moved pods were not cleaned.
        case taintRemovedExternally
    }

    public enum State: Sendable, Equatable {
        case waitingForTaint
        case waitingForStability
        /// An attempt is running; `taintGone` records a taint removal seen meanwhile.
        case cleaning(taintGone: Bool)
        case backingOff(until: Instant)
    }

    /// What the running attempt concluded.
    public enum AttemptResult: Sendable, Equatable {
        case taintRemoved
        /// The taint stays. `zombiesSeenUnderBootID` is the boot id if containers of moved pods were
        /// running in this attempt.
        case taintKept(zombiesSeenUnderBootID: String?)
    }

    /// Where the stability window stands.
    public struct Stability: Sendable, Equatable {
        var since: Instant?
        var readyTransitionTime: Date?
        var bootID: String = ""
    }

    public let timing: CleanupCycleTiming
    private(set) var state: State = .waitingForTaint
    private var stability = Stability()
    private var lastObservedAt: Instant?
    /// Attempts in this episode (1, 2, ...); restored after a restart.
    public private(set) var attempt: UInt32
    public private(set) var consecutiveFailures = 0
    /// The boot id under which zombies were seen in this episode; restored after a restart.
    public private(set) var zombiesSeenAtBootID: String?

    /// - Parameters:
    ///   - restoredAttempt: the attempt number of the last report, when it kept the taint (the
    ///     episode goes on across a restart, so report ids stay unique and the count honest).
    ///   - restoredZombieBootID: that report's `zombies_seen_boot_id`.
    public init(timing: CleanupCycleTiming, restoredAttempt: UInt32 = 0, restoredZombieBootID: String? = nil) {
        self.timing = timing
        self.attempt = restoredAttempt
        self.zombiesSeenAtBootID = restoredZombieBootID
    }

    public var isCleaning: Bool {
        if case .cleaning = state { return true }
        return false
    }

    /// How long the node has been stable, nil when it is not.
    public func stableFor(at now: Instant) -> Duration? {
        stability.since.map { now - $0 }
    }

    // MARK: Events

    /// A successful read of the node (watch event or GET).
    public mutating func observed(_ node: NodeObservation, at now: Instant) -> Action {
        lastObservedAt = now
        updateStability(node, at: now)
        guard node.isPodguardTainted else { return taintGone() }
        if state == .waitingForTaint { state = .waitingForStability }
        return .none
    }

    /// Reading the node failed (API unreachable or erroring): the window starts over.
    public mutating func observationFailed(at now: Instant) -> Action {
        stability.since = nil
        return .none
    }

    /// The Node object was deleted: nothing to untaint; a re-registered node starts afresh.
    public mutating func nodeDeleted(at now: Instant) -> Action {
        stability = Stability()
        if case .cleaning = state {
            state = .cleaning(taintGone: true)
            return .none
        }
        endEpisode()
        return .none
    }

    /// Time passes: start an attempt when one is due.
    public mutating func tick(at now: Instant) -> Action {
        if let lastObservedAt, now - lastObservedAt > timing.observationTimeout { stability.since = nil }
        switch state {
        case .waitingForTaint, .cleaning:
            return .none
        case .waitingForStability:
            return startAttemptIfStable(at: now)
        case .backingOff(let until):
            return now >= until ? startAttemptIfStable(at: now) : .none
        }
    }

    /// The running attempt ended.
    public mutating func attemptFinished(_ result: AttemptResult, at now: Instant) -> Action {
        guard case .cleaning(let taintGone) = state else { return .none }
        switch result {
        case .taintRemoved:
            endEpisode()
            return .none
        case .taintKept(let bootID):
            if let bootID { zombiesSeenAtBootID = bootID }
            if taintGone {
                endEpisode()
                return .taintRemovedExternally
            }
            consecutiveFailures += 1
            state = .backingOff(until: now + timing.retryDelay(afterFailures: consecutiveFailures))
            return .none
        }
    }

    // MARK: Internals

    private mutating func updateStability(_ node: NodeObservation, at now: Instant) {
        guard node.isStableNow else {
            stability.since = nil
            return
        }
        let flapped = node.readyTransitionTime != stability.readyTransitionTime || node.bootID != stability.bootID
        if stability.since == nil || flapped {
            stability = Stability(since: now, readyTransitionTime: node.readyTransitionTime, bootID: node.bootID)
        }
    }

    private mutating func taintGone() -> Action {
        switch state {
        case .waitingForTaint:
            return .none
        case .cleaning:
            state = .cleaning(taintGone: true)
            return .none
        case .waitingForStability, .backingOff:
            endEpisode()
            return .taintRemovedExternally
        }
    }

    private mutating func startAttemptIfStable(at now: Instant) -> Action {
        guard let stable = stableFor(at: now),
              CleanupPolicy.stableLongEnough(taintedAndReachableFor: stable, window: timing.stabilityWindow)
        else { return .none }
        attempt += 1
        state = .cleaning(taintGone: false)
        return .startAttempt(attempt: attempt, zombiesSeenAtBootID: zombiesSeenAtBootID)
    }

    private mutating func endEpisode() {
        state = .waitingForTaint
        consecutiveFailures = 0
        zombiesSeenAtBootID = nil
        // `attempt` keeps counting: report ids must not repeat within the stream's duplicate
        // window when a new episode starts under the same boot id.
    }
}

/// The cycle's timing (`cleanup.*` settings).
public struct CleanupCycleTiming: Sendable, Equatable {
    /// How long the node must be stable before an attempt.
    public var stabilityWindow: Duration
    /// No successful read of the node for this long counts as "API unreachable".
    public var observationTimeout: Duration
    /// First wait after an attempt that kept the taint; doubles per failure up to `retryMaxDelay`.
    public var retryInitialDelay: Duration
    public var retryMaxDelay: Duration

    public init(stabilityWindow: Duration = .seconds(30), observationTimeout: Duration = .seconds(15),
                retryInitialDelay: Duration = .seconds(5), retryMaxDelay: Duration = .seconds(60)) {
        self.stabilityWindow = stabilityWindow
        self.observationTimeout = observationTimeout
        self.retryInitialDelay = retryInitialDelay
        self.retryMaxDelay = retryMaxDelay
    }

    /// initial × 2^(failures−1), capped.
    public func retryDelay(afterFailures failures: Int) -> Duration {
        var delay = retryInitialDelay
        for _ in 1..<max(failures, 1) {
            delay = delay * 2
            if delay >= retryMaxDelay { return retryMaxDelay }
        }
        return min(delay, retryMaxDelay)
    }
}
