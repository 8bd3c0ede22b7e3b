import CSI
import Logging
import ServiceKit
import Synchronization

/// Keeps `CSIConnectionHealth` current — probing the driver periodically and taking the outcome
/// of every bus Probe — and mirrors it to readiness component "csi" and the CSI gauges.
final class CSIHealthMonitor: Sendable {
    static let readinessComponent = "csi"

    private let health = Mutex(CSIConnectionHealth())
    private let readiness: ReadinessRegistry
    private let metrics: AdapterMetrics
    private let logger: Logger

    init(readiness: ReadinessRegistry, metrics: AdapterMetrics, logger: Logger) {
        self.readiness = readiness
        self.metrics = metrics
        self.logger = logger
        readiness.register(Self.readinessComponent)
    }

    var snapshot: CSIConnectionHealth { health.withLock { $0 } }

    /// A connectivity check succeeded (the family's warm deadline applies from now on).
    func checked() { health.withLock { $0.checked() } }

    func record(_ outcome: CSIConnectionHealth.ProbeOutcome) {
        let (changed, now) = health.withLock { health in (health.record(outcome), health) }
        readiness.set(Self.readinessComponent, ready: now.isReady, reason: now.reason)
        metrics.csi(up: now.isReady, extensionPresent: now.extensionPresent)
        if changed {
            if now.isReady {
                logger.info("CSI driver reachable", metadata: ["extensionPresent": "\(now.extensionPresent.map { "\($0)" } ?? "unknown")"])
            } else {
                logger.warning("CSI driver not ready", metadata: ["reason": "\(now.reason ?? "")"])
            }
        }
    }

    /// One probe: CSI Probe, then (if it answered) the podmon extension's empty request.
    static func probe(_ client: CSIClient, deadline: Duration) async -> CSIConnectionHealth.ProbeOutcome {
        do throws(CSIError) {
            let ready = try await client.probe(deadline: deadline)
            return .answered(ready: ready, extension: await client.probeExtension(deadline: deadline))
        } catch {
            return .failed(error)
        }
    }

    /// Probes every `interval` until cancelled.
    func run(_ client: CSIClient, interval: Duration, deadline: Duration) async {
        while !Task.isCancelled {
            record(await Self.probe(client, deadline: min(deadline, max(interval, .milliseconds(100)))))
            do { try await Task.sleep(for: interval) } catch { return }
        }
    }
}
