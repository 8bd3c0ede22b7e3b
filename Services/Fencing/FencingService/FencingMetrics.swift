import Contracts
import FencingCore
import Metrics
public import Policy

/// fencing's metrics:
///
/// | metric | type | labels | podmon equivalent |
/// |---|---|---|---|
/// | `podguard_fencing_failover_total` | counter | `driver`, `status` (`success`/`failure`), `reason` (`connectivity_loss`/`node_unreachable`/`other`) | `dell_csm_resiliency_failover_total{driver,status,reason}` |
/// | `podguard_fencing_aborts_total` | counter | `reason` (the AbortReason name) | – |
/// | `podguard_fencing_phase_duration_seconds` | timer (histogram) | `phase` (the phase completed) | – |
/// | `podguard_fencing_in_flight` | gauge | – | – |
/// | `podguard_fencing_retries_total` | counter | `step` | – |
/// | `podguard_fencing_taint_requests_total` | counter | `action`, `result` (`changed`/`unchanged`/`ignored`/`failed`) | – |
/// | `podguard_fencing_validate_calls_total` | counter | `family` | – (ValidateVolumeHostConnectivity calls made) |
/// | `podguard_fencing_validations_total` | counter | `family` | – (remediations answered by them; the ratio is the batching) |
/// | `podguard_failover_phase_seconds` | timer (histogram) | `phase` (a `FailoverPhase`; decision observes `detection_to_decision`) | – |
struct FencingMetrics: Sendable {
    /// Where the failover phases go (swift-metrics by default; tests pass their own).
    var failover: FailoverRecorder = .metrics

    /// Phases a successful compare-and-set of `record` completed (see `FailoverMoments.completed`).
    func failoverPhases(_ phases: [(FailoverPhase, Duration)], of record: Podguard_V1_FenceRecord) {
        for (phase, duration) in phases { failover.observe(phase, duration, record) }
    }

    /// One finished remediation, counted once per CSI driver of the pod's volumes (podmon counts
    /// per driver, as each driver had its own podmon).
    func failover(_ record: Podguard_V1_FenceRecord, success: Bool) {
        let drivers = Set(record.request.volumes.map(\.driver))
        for driver in drivers.isEmpty ? ["none"] : drivers.sorted() {
            Counter(label: "podguard_fencing_failover_total", dimensions: [
                ("driver", Self.driverLabel(driver)), ("status", success ? "success" : "failure"),
                ("reason", Self.reasonLabel(record.reason)),
            ]).increment()
        }
        if !success {
            Counter(label: "podguard_fencing_aborts_total",
                    dimensions: [("reason", record.abortReason.name)]).increment()
        }
    }

    func phase(_ phase: Podguard_V1_FencePhase, took duration: Duration) {
        Timer(label: "podguard_fencing_phase_duration_seconds", dimensions: [("phase", Self.phaseLabel(phase))],
              preferredDisplayUnit: .seconds).record(duration: duration)
    }

    func inFlight(_ count: Int) {
        Gauge(label: "podguard_fencing_in_flight").record(count)
    }

    func retried(_ step: RemediationStep) {
        Counter(label: "podguard_fencing_retries_total", dimensions: [("step", "\(step)")]).increment()
    }

    /// One ValidateVolumeHostConnectivity answered `remediations` validations (`ValidationBatches`).
    func validateCall(family: Podguard_V1_ArrayFamily, remediations: Int) {
        let token = PodguardSubjects.token(family)
        Counter(label: "podguard_fencing_validate_calls_total", dimensions: [("family", token)]).increment()
        Counter(label: "podguard_fencing_validations_total", dimensions: [("family", token)]).increment(by: remediations)
    }

    func taintRequest(action: String, result: String) {
        Counter(label: "podguard_fencing_taint_requests_total", dimensions: [("action", action), ("result", result)]).increment()
    }

    /// podmon's mapping: ArrayConnectivityLoss → connectivity_loss, NodeFailure → node_unreachable,
    /// anything else → other.
    static func reasonLabel(_ reason: Podguard_V1_FenceReason) -> String {
        switch reason {
        case .arrayConnectivityLoss: "connectivity_loss"
        case .nodeFailure: "node_unreachable"
        default: "other"
        }
    }

    /// podmon's driver label is the short name (`csi-vxflexos`); the CSI driver name's first label.
    static func driverLabel(_ driver: String) -> String {
        driver.split(separator: ".").first.map(String.init) ?? driver
    }

    static func phaseLabel(_ phase: Podguard_V1_FencePhase) -> String {
        switch phase {
        case .validated: "validated"
        case .fenced: "fenced"
        case .tainted: "tainted"
        case .attachmentsDeleted: "attachments_deleted"
        case .eventRecorded: "event_recorded"
        case .podDeleted: "pod_deleted"
        case .aborted: "aborted"
        default: "other"
        }
    }
}

/// Receives each failover phase once per remediation, from the replica whose compare-and-set
/// recorded the phase's end. `metrics` records `podguard_failover_phase_seconds{phase}`.
public struct FailoverRecorder: Sendable {
    public static let metricLabel = FailoverPhase.metricLabel

    let observe: @Sendable (FailoverPhase, Duration, Podguard_V1_FenceRecord) -> Void

    public init(_ observe: @escaping @Sendable (_ phase: FailoverPhase, _ duration: Duration, _ record: Podguard_V1_FenceRecord) -> Void) {
        self.observe = observe
    }

    public static let metrics = FailoverRecorder { phase, duration, _ in
        Timer(label: FailoverRecorder.metricLabel, dimensions: [("phase", phase.rawValue)], preferredDisplayUnit: .seconds).record(duration: duration)
    }
}
