import Contracts
import DecisionCore
import Metrics

/// decision's share of the failover timeline:
///
/// | metric | type | labels |
/// |---|---|---|
/// | `podguard_decision_requests_total` | counter | `reason` (recorded in EffectExecutor) |
/// | `podguard_failover_phase_seconds` | timer (histogram) | `phase="detection_to_decision"` (fencing observes the later phases) |
enum DecisionMetrics {
    static let failoverPhaseLabel = "podguard_failover_phase_seconds"

    /// The claim of `request` succeeded (once per remediation, whatever the number of replicas).
    static func claimed(_ request: Podguard_V1_FenceRequest) {
        guard let duration = DetectionTime.detectionToDecision(request) else { return }
        Timer(label: failoverPhaseLabel, dimensions: [("phase", "detection_to_decision")], preferredDisplayUnit: .seconds)
            .record(duration: duration)
    }
}
