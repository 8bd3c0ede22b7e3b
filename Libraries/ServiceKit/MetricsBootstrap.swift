import Metrics
import Prometheus
import Synchronization

/// Routes swift-metrics (`Counter`, `Gauge`, `Timer`, ...) to one Prometheus registry, which the
/// operations HTTP server renders at `/metrics`.
///
/// `MetricsSystem.bootstrap` may only be called once per process; the registry is created and
/// installed on first use and shared afterwards.
public enum MetricsBootstrap {
    /// swift-prometheus's defaults end at 10 s; failovers, cleanups and deliveries take longer, and
    /// the Prometheus rules compare against budgets such as 120 s, which must be bucket bounds.
    public static let durationBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
        .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(15), .seconds(20), .seconds(30),
        .seconds(45), .seconds(60), .seconds(90), .seconds(120), .seconds(180), .seconds(300), .seconds(600),
    ]

    private static let installed = Mutex<PrometheusCollectorRegistry?>(nil)

    /// The process's registry; installs it into `MetricsSystem` on the first call.
    public static func registry() -> PrometheusCollectorRegistry {
        installed.withLock { installed in
            if let installed { return installed }
            let registry = PrometheusCollectorRegistry()
            var factory = PrometheusMetricsFactory(registry: registry)
            factory.defaultDurationHistogramBuckets = durationBuckets
            MetricsSystem.bootstrap(factory)
            installed = registry
            return registry
        }
    }
}
