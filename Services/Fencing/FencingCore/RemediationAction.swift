public import Contracts

/// What the state machine asks the executor to do next.
public enum RemediationAction: Sendable, Hashable {
    /// Perform the step, then report with `stepCompleted(_:)`.
    case perform(RemediationStep)
    /// Record the phase in the FenceRecord (compare-and-set), then call `persisted()`.
    case record(Podguard_V1_FencePhase)
    /// Record the running step's progress so far (compare-and-set); the step goes on. Asked for by
    /// `progressed()` when a volume is cut off, so the record shows it at once.
    case recordProgress
    /// Record that the pod delete is about to be issued, then call `persisted()`.
    case recordDeleteIntent
    /// Stop: record the Event on the pod when `recordEvent` (podmon's text for the reason), record
    /// ABORTED with the reason and message, alert, acknowledge the request.
    case abort(Podguard_V1_AbortReason, message: String, recordEvent: Bool)
    /// The arrays could not prove the node safe (`reason`): have the node remediation ladder prove
    /// it — start the node's remediation or join it — and hand the request back to be redelivered
    /// while it climbs (no retry is counted); once it ended without proof, `nodeNotProvenSafe(_:)`.
    case awaitNodeProof(Podguard_V1_AbortReason, message: String)
    /// Record the retry and hand the request back to the queue, to be redelivered after `after`.
    case retry(after: Duration, reason: String)
    /// POD_DELETED is recorded: alert and acknowledge.
    case complete
    /// The record was terminal before this delivery: re-publish its alert (deduplicated by id) and
    /// acknowledge; nothing else.
    case alreadyFinished
}
