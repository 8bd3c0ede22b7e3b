public import Contracts

/// What the executor reports after performing a step.
public enum StepOutcome: Sendable, Hashable {
    /// Done; the note goes into the phase transition.
    case succeeded(note: String)
    /// The pod is gone, or its name now belongs to another uid or node.
    case podGone(String)
    /// Not now: a dependency is unavailable or still working. `after` is its own retry hint.
    case transient(TransientCause, String, after: Duration?)
    /// Stop the remediation for this reason.
    case failed(Podguard_V1_AbortReason, String)
}

/// Why a step could not finish yet; decides the abort reason once the retries are used up.
public enum TransientCause: Sendable, Hashable {
    /// An adapter, the CSI driver or the apiserver did not answer (timeout, no responders, 5xx, 429).
    case unavailable
    /// The driver is still working on it (a "pending" ControllerUnpublishVolume).
    case pending
}
