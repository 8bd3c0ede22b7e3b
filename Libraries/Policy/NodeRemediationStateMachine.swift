public import Foundation

/// One node's climb up its `RemediationLadder`, as an explicit state machine: which step is being
/// tried since when, what became of the steps before, and whether the node is proven safe. Pure and
/// deterministic (time comes in with the events); the caller carries out the actions.
///
/// ```
/// climbing(0) ──proven──▶ proven
/// climbing(i) ──failed | timed out | inapplicable──▶ climbing(i+1) … ──(no rung left)──▶ exhausted
/// climbing(approval) ──denied──▶ denied
/// climbing(any) ──node recovered──▶ abandoned
/// ```
/// Nothing but `proven` lets anything be deleted: a failed, unconfirmed or timed-out step leads to
/// the next step, never to a force delete.
public struct NodeRemediationStateMachine: Sendable, Hashable {
    public enum State: Sendable, Hashable {
        /// Rung `rung` runs since `since`.
        case climbing(rung: Int, since: Date, history: [Outcome])
        /// The node is safe: `step` proved it.
        case proven(by: LadderStep, at: Date, history: [Outcome])
        /// Every rung failed, timed out or did not apply: nothing is deleted; an operator must act.
        case exhausted(at: Date, history: [Outcome])
        /// A human said no: nothing is deleted, nothing else is tried.
        case denied(at: Date, history: [Outcome])
        /// The node came back before it was proven safe: left alone.
        case abandoned(at: Date, history: [Outcome])
    }

    /// What became of one step.
    public struct Outcome: Sendable, Hashable {
        public enum Result: Sendable, Hashable {
            case proven
            case failed(String)
            case timedOut
            /// The step cannot run for this node (no fence agent configured, no template, …).
            case inapplicable(String)
            case denied(String)
            case abandoned
        }

        public var step: LadderStep
        public var result: Result
        public var at: Date

        public init(step: LadderStep, result: Result, at: Date) {
            self.step = step
            self.result = result
            self.at = at
        }
    }

    public enum Event: Sendable, Hashable {
        /// The running step proved the node safe.
        case proven(LadderStep, at: Date)
        /// The running step failed (an unreachable BMC, an unconfirmed OFF, a provider's failure).
        case failed(LadderStep, reason: String, at: Date)
        /// The running step cannot run for this node.
        case inapplicable(LadderStep, reason: String, at: Date)
        /// A human denied the approval.
        case denied(reason: String, at: Date)
        /// The node is healthy again (Ready, same or new boot).
        case nodeRecovered(at: Date)
        /// Time passes: a step past its timeout gives way to the next.
        case tick(Date)
    }

    public enum Action: Sendable, Hashable {
        /// Begin the step (power off, create the remediation CR, alert for approval, …).
        case start(LadderStep)
        /// Stop waiting for a step that is given up (withdraw an approval request, delete a CR).
        case withdraw(LadderStep)
        /// The node is safe: the pods may move (the fast path applies).
        case nodeProvenSafe(by: LadderStep)
        /// Nothing proved the node safe: alert, delete nothing.
        case alertExhausted
        case alertDenied
    }

    public let ladder: RemediationLadder
    public private(set) var state: State

    /// Starts at the ladder's first rung (or `startRung`, e.g. past the storage fence when the
    /// caller already knows it cannot give proof).
    public init(ladder: RemediationLadder, at now: Date, startRung: Int = 0) {
        self.ladder = ladder
        self.state = .climbing(rung: min(max(0, startRung), ladder.rungs.count), since: now, history: [])
        if startRung >= ladder.rungs.count { state = .exhausted(at: now, history: []) }
    }

    /// A machine resumed in `state` (a stored record's, `init(record:)`).
    public init(ladder: RemediationLadder, state: State) {
        self.ladder = ladder
        self.state = state
    }

    /// The first action: start the first rung (or alert when there is none).
    public var initialActions: [Action] {
        switch state {
        case .climbing(let rung, _, _): [.start(ladder.rungs[rung].step)]
        case .exhausted: [.alertExhausted]
        default: []
        }
    }

    /// The step being tried, if any.
    public var currentStep: LadderStep? {
        guard case .climbing(let rung, _, _) = state else { return nil }
        return ladder.rungs[rung].step
    }

    public var isFinished: Bool { currentStep == nil }

    public mutating func handle(_ event: Event) -> [Action] {
        guard case .climbing(let rung, let since, let history) = state else { return [] }
        let step = ladder.rungs[rung].step
        switch event {
        case .proven(let provenStep, let at):
            guard provenStep == step else { return [] }
            state = .proven(by: step, at: at, history: history + [Outcome(step: step, result: .proven, at: at)])
            return [.nodeProvenSafe(by: step)]
        case .failed(let failedStep, let reason, let at):
            guard failedStep == step else { return [] }
            return climb(from: rung, history: history + [Outcome(step: step, result: .failed(reason), at: at)], at: at, withdraw: false)
        case .inapplicable(let skipped, let reason, let at):
            guard skipped == step else { return [] }
            return climb(from: rung, history: history + [Outcome(step: step, result: .inapplicable(reason), at: at)], at: at, withdraw: false)
        case .denied(let reason, let at):
            guard step == .approval else { return [] }
            state = .denied(at: at, history: history + [Outcome(step: step, result: .denied(reason), at: at)])
            return [.alertDenied]
        case .nodeRecovered(let at):
            state = .abandoned(at: at, history: history + [Outcome(step: step, result: .abandoned, at: at)])
            return [.withdraw(step)]
        case .tick(let now):
            guard now.timeIntervalSince(since) >= Self.seconds(ladder.rungs[rung].timeout) else { return [] }
            return climb(from: rung, history: history + [Outcome(step: step, result: .timedOut, at: now)], at: now, withdraw: true)
        }
    }

    private mutating func climb(from rung: Int, history: [Outcome], at now: Date, withdraw: Bool) -> [Action] {
        let given: [Action] = withdraw ? [.withdraw(ladder.rungs[rung].step)] : []
        let next = rung + 1
        guard next < ladder.rungs.count else {
            state = .exhausted(at: now, history: history)
            return given + [.alertExhausted]
        }
        state = .climbing(rung: next, since: now, history: history)
        return given + [.start(ladder.rungs[next].step)]
    }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
