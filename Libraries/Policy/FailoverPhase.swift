/// One phase of a failover, the `phase` label of `podguard_failover_phase_seconds`. decision
/// observes `detection_to_decision` (Services/Decision/DecisionService/DecisionMetrics.swift),
/// fencing the later phases (Services/Fencing/FencingService/FencingMetrics.swift); `podguard
/// history` shows all five (Tools/PodguardCLI/OperatorViews/History/RemediationHistory+Build.swift).
public enum FailoverPhase: String, CaseIterable, Sendable, Hashable {
    /// The trigger became visible (FenceRequest.detected_at) → decision claimed the pod (requested_at).
    case detectionToDecision = "detection_to_decision"
    /// requested_at → the FENCED transition (every volume unpublished at the array).
    case decisionToFenced = "decision_to_fenced"
    /// FENCED → the POD_DELETED transition.
    case fencedToPodDeleted = "fenced_to_pod_deleted"
    /// POD_DELETED → the replacement pod Running and Ready (replacement_running_at).
    case podDeletedToReplacementRunning = "pod_deleted_to_replacement_running"
    /// detected_at → replacement_running_at: the whole outage as the pod's users saw it.
    case detectionToReplacementRunning = "detection_to_replacement_running"

    /// The histogram every phase is observed in; the rules and the dashboard read it by this name
    /// (scripts/rules-check.py checks that the code exports it).
    public static let metricLabel = "podguard_failover_phase_seconds"
}
