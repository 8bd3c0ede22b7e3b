import Contracts

/// The remediation of one pod as an explicit state machine, swift-nio style: the machine decides,
/// the executor acts and reports back. Pure: no I/O, no clock.
///
/// The FenceRecord's phase is the durable part of the state. A machine is made from the record at
/// every delivery of the request and resumes after the last completed phase; a step's effect is
/// recorded (compare-and-set) before the next step starts, so no completed step runs again.
///
/// ```
/// idle ─start─▶ running(checkSafety) ─ok─▶ running(step) ─ok─▶ recording(phase) ─persisted─▶ running(next step) …
///                      │                     │  transient (retries left)            recording(POD_DELETED) ─persisted─▶ finished (complete)
///                      │                     └─────────────▶ suspended (retry: nak with delay)
///                      └── pod gone / unsafe / failed / retries used up ─▶ finished (abort)
/// running(deletePod) is preceded by recordingDeleteIntent once, so a pod found gone afterwards
/// counts as deleted by this remediation instead of replaced.
/// ```
/// Plans: `fence` (podmon's controllerCleanupPod) is validate → fence → taint → delete
/// VolumeAttachments → Event → force delete; `crashLoopDelete` is Event → delete with the normal
/// grace period. A dry run performs only the read-only steps (safety check, validation) and ends
/// ABORTED/DRY_RUN with what it would have done.
public struct RemediationStateMachine: Sendable, Hashable {
    public enum Plan: Sendable, Hashable {
        case fence
        case crashLoopDelete
    }

    public enum State: Sendable, Hashable {
        /// Made from the record; nothing started in this delivery.
        case idle
        case running(RemediationStep)
        case recording(Podguard_V1_FencePhase)
        case recordingDeleteIntent
        /// Waiting for redelivery after a transient failure.
        case suspended
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

    public init(phase: Podguard_V1_FencePhase, plan: Plan, dryRun: Bool = false, deleteIssued: Bool = false,
                retries: Int = 0, maxRetries: Int = 10, backoff: RetryBackoff = RetryBackoff()) {
        self.phase = phase == .unspecified ? .requested : phase
        self.plan = plan
        self.dryRun = dryRun
        self.deleteIssued = deleteIssued
        self.retries = retries
        self.maxRetries = maxRetries
        self.backoff = backoff
    }

    /// The machine of a stored record.
    public init(record: Podguard_V1_FenceRecord, maxRetries: Int, backoff: RetryBackoff) {
        self.init(phase: record.phase, plan: record.reason == .crashLoopBackOff ? .crashLoopDelete : .fence,
                  dryRun: record.dryRun || record.request.dryRun, deleteIssued: record.hasPodDeleteIssuedAt,
                  retries: Int(record.retries), maxRetries: maxRetries, backoff: backoff)
    }

    public var isTerminalPhase: Bool { phase == .podDeleted || phase == .aborted }

    /// What the safety check covers now: the whole invariant until the node is fenced; afterwards
    /// only the pod's identity (stopping half-way would leave a fenced pod undeleted).
    public var safetyScope: SafetyCheck.Scope {
        plan == .fence && phase.rawValue >= Podguard_V1_FencePhase.fenced.rawValue ? .identity : .full
    }

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
            if deleteIssued {
                state = .recording(.podDeleted)
                return .record(.podDeleted)
            }
            return abort(.podReplaced, message, recordEvent: false)
        case .failed(let reason, let message):
            return abort(dryRun ? .dryRun : reason, dryRun ? "would abort (\(Self.name(reason))): \(message)" : message,
                         recordEvent: !dryRun)
        case .transient(let cause, let message, let hint):
            // An Event never blocks a remediation (podmon logs a failed Event and goes on).
            if step == .recordEvent { return succeeded(step, note: "event not recorded: \(message)") }
            guard retries < maxRetries else {
                let reason = Self.reasonWhenRetriesUsedUp(step, cause)
                return abort(dryRun ? .dryRun : reason, "gave up after \(retries) retries: \(message)", recordEvent: !dryRun)
            }
            retries += 1
            state = .suspended
            return .retry(after: backoff.delay(retry: retries, hint: hint), reason: message)
        }
    }

    /// The write asked for by `.record` or `.recordDeleteIntent` succeeded.
    public mutating func persisted() -> RemediationAction {
        switch state {
        case .recording(let recorded):
            phase = recorded
            if recorded == .podDeleted {
                state = .finished
                return .complete
            }
            return next()
        case .recordingDeleteIntent:
            deleteIssued = true
            state = .running(.deletePod)
            return .perform(.deletePod)
        default:
            preconditionFailure("persisted() in state \(state)")
        }
    }

    // MARK: Transitions

    private mutating func succeeded(_ step: RemediationStep, note: String) -> RemediationAction {
        if dryRun {
            // Only read-only steps run in a dry run; the first effectful one ends it.
            if step == .checkSafety, plan == .fence {
                state = .running(.validate)
                return .perform(.validate)
            }
            let would = plan == .fence ? "checks passed; would fence, taint, delete VolumeAttachments and force-delete the pod"
                                       : "checks passed; would delete the pod (normal grace period)"
            return abort(.dryRun, note.isEmpty ? would : "\(would) (\(note))", recordEvent: false)
        }
        guard let completed = step.completedPhase else { return next() }
        state = .recording(completed)
        return .record(completed)
    }

    /// The step after the last completed phase.
    private mutating func next() -> RemediationAction {
        let step: RemediationStep
        switch (plan, phase) {
        case (_, .eventRecorded):
            guard deleteIssued else {
                state = .recordingDeleteIntent
                return .recordDeleteIntent
            }
            step = .deletePod
        case (.crashLoopDelete, _): step = .recordEvent
        case (.fence, .validated): step = .fence
        case (.fence, .fenced): step = .taint
        case (.fence, .tainted): step = .deleteAttachments
        case (.fence, .attachmentsDeleted): step = .recordEvent
        case (.fence, _): step = .validate
        }
        state = .running(step)
        return .perform(step)
    }

    private mutating func abort(_ reason: Podguard_V1_AbortReason, _ message: String, recordEvent: Bool) -> RemediationAction {
        state = .finished
        return .abort(reason, message: message, recordEvent: recordEvent)
    }

    /// The abort reason of a step whose transient failures outlasted the retries.
    static func reasonWhenRetriesUsedUp(_ step: RemediationStep, _ cause: TransientCause) -> Podguard_V1_AbortReason {
        switch (step, cause) {
        case (.checkSafety, _): .safetyCheckFailed
        case (.validate, .unavailable), (.fence, .unavailable): .csiUnavailable
        case (.validate, .pending): .validationError
        case (.fence, .pending): .fenceFailed
        case (.taint, _): .taintFailed
        case (.deleteAttachments, _): .attachmentDeleteFailed
        case (.deletePod, _), (.recordEvent, _): .podDeleteFailed
        }
    }

    /// "ARRAY_CONNECTED_OR_IO" for `.arrayConnectedOrIo`: the contract's name, for messages and labels.
    public static func name(_ reason: Podguard_V1_AbortReason) -> String {
        switch reason {
        case .unspecified: "UNSPECIFIED"
        case .arrayConnectedOrIo: "ARRAY_CONNECTED_OR_IO"
        case .missingCsiAnnotations: "MISSING_CSI_ANNOTATIONS"
        case .validationError: "VALIDATION_ERROR"
        case .fenceFailed: "FENCE_FAILED"
        case .taintFailed: "TAINT_FAILED"
        case .attachmentDeleteFailed: "ATTACHMENT_DELETE_FAILED"
        case .podDeleteFailed: "POD_DELETE_FAILED"
        case .podReplaced: "POD_REPLACED"
        case .csiUnavailable: "CSI_UNAVAILABLE"
        case .dryRun: "DRY_RUN"
        case .safetyCheckFailed: "SAFETY_CHECK_FAILED"
        case .UNRECOGNIZED(let value): "ABORT_REASON_\(value)"
        }
    }
}
