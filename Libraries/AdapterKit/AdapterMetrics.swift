import Contracts
import Metrics

/// The adapter's metrics, labelled by family and operation:
///
/// | metric | type | labels |
/// |---|---|---|
/// | `podguard_adapter_requests_total` | counter | family, operation |
/// | `podguard_adapter_errors_total` | counter | family, operation, kind (`transient`, `pending`, `permanent`, `not-found`, `invalid-request`, `unimplemented`) |
/// | `podguard_adapter_request_duration_seconds` | timer (histogram) | family, operation |
/// | `podguard_adapter_csi_up` | gauge (0/1) | family, mode |
/// | `podguard_adapter_csi_extension_present` | gauge (0/1) | family, mode |
struct AdapterMetrics: Sendable {
    let family: String
    let mode: String

    /// Records one answered request.
    func record(_ operation: AdapterOperation, error: Podguard_V1_AdapterError?, duration: Duration) {
        let dimensions = [("family", family), ("operation", operation.rawValue)]
        Counter(label: "podguard_adapter_requests_total", dimensions: dimensions).increment()
        if let error {
            Counter(label: "podguard_adapter_errors_total",
                    dimensions: dimensions + [("kind", AdapterErrorMapping.label(error.kind))]).increment()
        }
        Timer(label: "podguard_adapter_request_duration_seconds", dimensions: dimensions,
              preferredDisplayUnit: .seconds).record(duration: duration)
    }

    func csi(up: Bool, extensionPresent: Bool?) {
        let dimensions = [("family", family), ("mode", mode)]
        Gauge(label: "podguard_adapter_csi_up", dimensions: dimensions).record(up ? 1 : 0)
        if let extensionPresent {
            Gauge(label: "podguard_adapter_csi_extension_present", dimensions: dimensions).record(extensionPresent ? 1 : 0)
        }
    }
}
