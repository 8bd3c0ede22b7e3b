public import Contracts

/// The remediation of one pod as an explicit state machine, swift-nio style: the machine decides,
/// the executor acts and reports back. Pure: no I/O, no clock.
///
/// The FenceRecord's phase is the durable part of the state, but it is never trusted as proof: every
/// delivery starts with live checks (the pod not Ready and the trigger holding, the array's
/// validation, the volumes unpublished again) and only then skips the effectful steps the record
/// says are done. A forged or stale record can therefore spare a write, never a check. A step's
/// effect is recorded (compare-and-set) before the next step starts.
///
/// ```
/// idle ─start─▶ running(checkSafety) ─ok─▶ running(validate) ─ok─▶ running(fence) ─ok─▶ [taint] ─▶ [recordEvent]
///   ─▶ recordingDeleteIntent ─▶ running(deletePod) ─▶ running(deleteAttachments) ─▶ running(confirmFenced)
///   ─▶ recording(POD_DELETED) ─persisted─▶ finished (complete)
/// a step whose phase is not yet recorded is followed by recording(phase) ─persisted─▶ the next step;
/// transient (retries left) ─▶ suspended (retry: nak with delay);
/// pod gone before this remediation deleted it / unsafe / failed / retries used up ─▶ finished (abort)
/// validate or fence failed for a reason the node remediation ladder can answer, the ladder has steps
///   beyond the storage fence ─▶ awaitingNodeProof ─(the node's remediation ended unproven)─▶ finished (abort);
///   (proven: the next delivery's validation goes ahead on the proof)
/// ```
/// Plans: `fence` is validate → fence → taint → Event → force delete → delete VolumeAttachments →
/// unpublish again; `crashLoopDelete` is Event → delete with the normal grace period. A dry run
/// performs only the read-only steps (safety check, validation) and ends ABORTED/DRY_RUN with what
/// it would have done.
public struct RemediationStateMachine: Sendable, Hashable {
    public enum Plan: Sendable, Hashable {
        case fence
        case crashLoopDelete
    }

    public enum State: Sendable, Hashable {
        /// Made from the record; nothing started in this delivery.
        case idle
        case running(RemediationStep)
        /// Writing the phase `step` completed; then the step after it.
        case recording(Podguard_V1_FencePhase, after: RemediationStep)
        case recordingDeleteIntent
        /// Waiting for redelivery after a transient failure.
        case suspended
        /// `step` could not get the arrays' proof: waiting for the node remediation ladder to
        /// prove the node safe (the next delivery goes on) or to end without proof (abort).
        case awaitingNodeProof(after: RemediationStep)
        /// Terminal for this delivery: completed, aborted, or already finished before.
        case finished
    }

    public private(set) var state: State = .idle
    /// The last completed phase.
    public private(set) var phase: Podguard_V1_FencePhase
    public let plan: Plan
    public let dryRun: Bool
    /// The pod delete was issued by this remediation (the intent is recorded).
    public private(set) var deleteIssued: Bool
    /// Transient failures retried so far, this delivery's included.
    public private(set) var retries: Int
    public let maxRetries: Int
    public let backoff: RetryBackoff
    /// The node remediation ladder has steps beyond the storage fence: a validation or fence that
    /// cannot get the arrays' proof waits for the node to be proven safe instead of aborting.
    public let ladderAvailable: Bool

    public init(phase: Podguard_V1_FencePhase, plan: Plan, dryRun: Bool = false, deleteIssued: Bool = false,
                retries: Int = 0, maxRetries: Int = 10, backoff: RetryBackoff = RetryBackoff(), ladderAvailable: Bool = false) {
        self.phase = phase == .unspecified ? .requested : phase
        self.plan = plan
        self.dryRun = dryRun
        self.deleteIssued = deleteIssued
        self.retries = retries
        self.maxRetries = maxRetries
        self.backoff = backoff
        self.ladderAvailable = ladderAvailable
    }

    /// The machine of a stored record.
    public init(record: Podguard_V1_FenceRecord, maxRetries: Int, backoff: RetryBackoff, ladderAvailable: Bool = false) {
        self.init(phase: record.phase, plan: record.reason == .crashLoopBackOff ? .crashLoopDelete : .fence,
                  dryRun: record.dryRun || record.request.dryRun, deleteIssued: record.hasPodDeleteIssuedAt,
                  retries: Int(record.retries), maxRetries: maxRetries, backoff: backoff, ladderAvailable: ladderAvailable)
    }

    public var isTerminalPhase: Bool { phase.isTerminal }

    // MARK: Inputs

    public mutating func start() -> RemediationAction {
        guard case .idle = state else { preconditionFailure("start() in state \(state)") }
        if isTerminalPhase {
            state = .finished
            return .alreadyFinished
        }
        state = .running(.checkSafety)
        return .perform(.checkSafety)
    }

    public mutating func stepCompleted(_ outcome: StepOutcome) -> RemediationAction {
        guard case .running(let step) = state else { preconditionFailure("stepCompleted(_:) in state \(state)") }
        switch outcome {
        case .succeeded(let note):
            return succeeded(step, note: note)
        case .podGone(let message):
            // Gone after this remediation issued the delete: the pod left by that delete, so the
            // steps after it follow. Gone before: someone else deleted or replaced it.
            guard deleteIssued else { return abort(.podReplaced, message, recordEvent: false) }
            return next(after: .deletePod)
        case .failed(let reason, let message):
            if deleteIssued, step.followsTheDelete {
                // The pod is gone: an ABORTED record would hide it from node-cleanup, whose taint
                // must wait for it. Go on to POD_DELETED; the executor logged and alerted the failure.
                return next(after: step)
            }
            return abortOrAwaitNodeProof(step, reason, message)
        case .transient(let cause, let message, let hint):
            // An Event never blocks a remediation (podmon logs a failed Event and goes on).
            if step == .recordEvent { return succeeded(step, note: "event not recorded: \(message)") }
            // After the delete, the remaining steps are retried for as long as it takes: the
            // remediation must reach POD_DELETED for node-cleanup to clean the node.
            guard retries < maxRetries || (deleteIssued && step.followsTheDelete) else {
                return abortOrAwaitNodeProof(step, Self.reasonWhenRetriesUsedUp(step, cause), "gave up after \(retries) retries: \(message)")
            }
            retries += 1
            state = .suspended
            return .retry(after: backoff.delay(retry: retries, hint: hint), reason: message)
        }
    }

    /// The running step changed the record (a volume cut off): the record is to show it now, not
    /// only when the step ends.
    public func progressed() -> RemediationAction {
        guard case .running(let step) = state, step == .fence || step == .confirmFenced else {
            preconditionFailure("progressed() in state \(state)")
        }
        return .recordProgress
    }

    /// The write asked for by `.record` or `.recordDeleteIntent` succeeded.
    public mutating func persisted() -> RemediationAction {
        switch state {
        case .recording(let recorded, let step):
            phase = recorded
            if recorded == .podDeleted {
                state = .finished
                return .complete
            }
            return next(after: step)
        case .recordingDeleteIntent:
            deleteIssued = true
            state = .running(.deletePod)
            return .perform(.deletePod)
        default:
            preconditionFailure("persisted() in state \(state)")
        }
    }

    /// The node remediation the machine waits for ended without proving the node safe (every step
    /// failed, timed out or did not apply, a human denied it, or the node came back): abort.
    public mutating func nodeNotProvenSafe(_ message: String, reason: Podguard_V1_AbortReason = .nodeNotProvenSafe) -> RemediationAction {
        guard case .awaitingNodeProof = state else { preconditionFailure("nodeNotProvenSafe(_:) in state \(state)") }
        return abort(reason, message, recordEvent: true)
    }

    // MARK: Transitions

    /// A failure the node remediation ladder can answer waits for it (when there is one); any other
    /// ends the remediation. A dry run says which it would be.
    private mutating func abortOrAwaitNodeProof(_ step: RemediationStep, _ reason: Podguard_V1_AbortReason,
                                                _ message: String) -> RemediationAction {
        let ladderAnswers = ladderAvailable && plan == .fence && NodeProofGate.answers(step, reason)
        if dryRun {
            let would = ladderAnswers ? "would climb the node remediation ladder" : "would abort"
            return abort(.dryRun, "\(would) (\(reason.name)): \(message)", recordEvent: false)
        }
        guard ladderAnswers else { return abort(reason, message, recordEvent: true) }
        state = .awaitingNodeProof(after: step)
        return .awaitNodeProof(reason, message: message)
    }

    private mutating func succeeded(_ step: RemediationStep, note: String) -> RemediationAction {
        if dryRun {
            // Only read-only steps run in a dry run; the first effectful one ends it.
            if step == .checkSafety, plan == .fence {
                state = .running(.validate)
                return .perform(.validate)
            }
            let would = plan == .fence ? "checks passed; would fence, taint, force-delete the pod and delete its VolumeAttachments"
                                       : "checks passed; would delete the pod (normal grace period)"
            return abort(.dryRun, note.isEmpty ? would : "\(would) (\(note))", recordEvent: false)
        }
        if let completed = phaseCompleted(by: step), completed.progress > phase.progress {
            state = .recording(completed, after: step)
            return .record(completed)
        }
        return next(after: step)
    }

    /// The phase a step completes in this plan: a CrashLoopBackOff delete ends with the delete.
    private func phaseCompleted(by step: RemediationStep) -> Podguard_V1_FencePhase? {
        plan == .crashLoopDelete && step == .deletePod ? .podDeleted : step.completedPhase
    }

    /// The step after `step` in this delivery: the live checks always; an effectful step only if
    /// its phase is not recorded yet; the delete once its intent is recorded.
    private mutating func next(after step: RemediationStep) -> RemediationAction {
        let following: RemediationStep
        switch (plan, step) {
        case (.fence, .checkSafety): following = .validate
        case (.fence, .validate): following = .fence
        case (.fence, .fence), (.fence, .taint), (.crashLoopDelete, .checkSafety), (_, .recordEvent):
            if plan == .fence, phase.progress < Podguard_V1_FencePhase.tainted.progress {
                following = .taint
            } else if phase.progress < Podguard_V1_FencePhase.eventRecorded.progress {
                following = .recordEvent
            } else if !deleteIssued {
                state = .recordingDeleteIntent
                return .recordDeleteIntent
            } else {
                following = .deletePod
            }
        case (.fence, .deletePod):
            // Also when ATTACHMENTS_DELETED is recorded: an attachment re-created since is deleted too.
            following = .deleteAttachments
        case (.fence, .deleteAttachments): following = .confirmFenced
        case (.crashLoopDelete, .deletePod), (_, .confirmFenced):
            // Reached only when POD_DELETED was already recorded (a record is terminal then).
            state = .recording(.podDeleted, after: step)
            return .record(.podDeleted)
        case (.crashLoopDelete, _):
            preconditionFailure("step \(step) is not part of a CrashLoopBackOff delete")
        }
        state = .running(following)
        return .perform(following)
    }

    private mutating func abort(_ reason: Podguard_V1_AbortReason, _ message: String, recordEvent: Bool) -> RemediationAction {
        state = .finished
        return .abort(reason, message: message, recordEvent: recordEvent)
    }

    /// The abort reason of a step whose transient failures outlasted the retries.
    public static func reasonWhenRetriesUsedUp(_ step: RemediationStep, _ cause: TransientCause) -> Podguard_V1_AbortReason {
        switch (step, cause) {
        case (.checkSafety, _): .safetyCheckFailed
        case (.validate, .unavailable), (.fence, .unavailable): .csiUnavailable
        case (.validate, .pending): .validationError
        case (.fence, .pending): .fenceFailed
        case (.taint, _): .taintFailed
        case (.deleteAttachments, _): .attachmentDeleteFailed
        case (.deletePod, _), (.recordEvent, _): .podDeleteFailed
        case (.confirmFenced, .unavailable): .csiUnavailable
        case (.confirmFenced, .pending): .fenceFailed
        }
    }
}
