import Contracts
import DecisionCore
import Metrics
import Policy

/// decision's share of the failover timeline:
///
/// | metric | type | labels |
/// |---|---|---|
/// | `podguard_decision_requests_total` | counter | `reason` (recorded in EffectExecutor) |
/// | `podguard_failover_phase_seconds` | timer (histogram) | `phase="detection_to_decision"` (fencing observes the later phases) |
/// | `podguard_decision_paused` | gauge | – (1 while the pause switch is on) |
/// | `podguard_decision_outage` | gauge | `kind` (`array`/`driver`), `family` (the family token or the driver) |
/// | `podguard_decision_storm_limited` | gauge | – (1 while the storm limits hold a fence back) |
enum DecisionMetrics {
    /// The claim of `request` succeeded (once per remediation, whatever the number of replicas).
    static func claimed(_ request: Podguard_V1_FenceRequest) {
        guard let duration = DetectionTime.detectionToDecision(request) else { return }
        Timer(label: FailoverPhase.metricLabel, dimensions: [("phase", FailoverPhase.detectionToDecision.rawValue)], preferredDisplayUnit: .seconds)
            .record(duration: duration)
    }

    /// The gauges of `health`; an outage that closed is set back to 0 (`previous` is the last health
    /// recorded), so a dashboard sees it end rather than vanish.
    static func record(_ health: DecisionHealth, previous: DecisionHealth?) {
        Gauge(label: "podguard_decision_paused").record(health.paused ? 1 : 0)
        Gauge(label: "podguard_decision_storm_limited").record(health.stormLimited ? 1 : 0)
        for (kind, now, before) in [("array", health.arrayOutages, previous?.arrayOutages ?? []),
                                    ("driver", health.driverOutages, previous?.driverOutages ?? [])] {
            for name in now.union(before) {
                Gauge(label: "podguard_decision_outage", dimensions: [("kind", kind), ("family", name)]).record(now.contains(name) ? 1 : 0)
            }
        }
    }
}
