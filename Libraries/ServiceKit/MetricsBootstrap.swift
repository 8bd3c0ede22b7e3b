import Metrics
import Prometheus
import Synchronization

/// Routes swift-metrics (`Counter`, `Gauge`, `Timer`, ...) to one Prometheus registry, which the
/// operations HTTP server renders at `/metrics`.
///
/// `MetricsSystem.bootstrap` may only be called once per process; the registry is created and
/// installed on first use and shared afterwards.
public enum MetricsBootstrap {
    private static let installed = Mutex<PrometheusCollectorRegistry?>(nil)

    /// The process's registry; installs it into `MetricsSystem` on the first call.
    public static func registry() -> PrometheusCollectorRegistry {
        installed.withLock { installed in
            if let installed { return installed }
            let registry = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
            installed = registry
            return registry
        }
    }
}
