import Metrics

/// The client's metrics (swift-metrics; whichever backend the service bootstrapped).
///
/// - `kube_client_requests_total{verb,resource,code}`: every attempt, `code` = HTTP status or
///   `transport` / `timeout` / `cancelled`;
/// - `kube_client_request_duration_seconds{verb,resource}`: latency of each attempt;
/// - `kube_client_watch_restarts_total{resource,reason}`: watch reconnections;
/// - `kube_client_relists_total{resource}`: informer relists (after 410 or a failed watch).
public struct KubeClientMetrics: Sendable {
    public var prefix: String

    public init(prefix: String = "kube_client") {
        self.prefix = prefix
    }

    func request(verb: String, resource: String, code: String, duration: Duration) {
        Counter(label: "\(prefix)_requests_total", dimensions: [("verb", verb), ("resource", resource), ("code", code)]).increment()
        let (seconds, attoseconds) = duration.components
        Timer(label: "\(prefix)_request_duration_seconds", dimensions: [("verb", verb), ("resource", resource)])
            .recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    func watchRestarted(resource: String, reason: String) {
        Counter(label: "\(prefix)_watch_restarts_total", dimensions: [("resource", resource), ("reason", reason)]).increment()
    }

    func relisted(resource: String) {
        Counter(label: "\(prefix)_relists_total", dimensions: [("resource", resource)]).increment()
    }
}
