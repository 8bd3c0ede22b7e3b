import Foundation
import Harness
import Logging
import Metrics
import Prometheus
import Testing

import ServiceKit

@Suite struct OperationsHTTPServerTests {
    /// Runs a server on loopback for `body`, then cancels it.
    private func withServer(
        port: Int,
        readiness: ReadinessRegistry,
        _ body: @Sendable (OperationsHTTPServer) async throws -> Void
    ) async throws {
        let server = OperationsHTTPServer(
            host: "127.0.0.1", port: port, readiness: readiness,
            registry: MetricsBootstrap.registry(), logger: Logger(label: "ops-test"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            defer { group.cancelAll() }
            try await body(server)
        }
    }

    @Test func healthReadinessAndMetricsOnAnEphemeralPort() async throws {
        let readiness = ReadinessRegistry()
        readiness.register("bus")
        // Metrics created before the system is bootstrapped go nowhere, so bootstrap first.
        let registry = MetricsBootstrap.registry()
        let counter = Counter(label: "servicekit_test_http_requests_total", dimensions: [("route", "test")])
        counter.increment(by: 3)

        try await withServer(port: 0, readiness: readiness) { server in
            let port = await server.boundPort
            #expect(port > 0)

            let health = try await LoopbackHTTPClient.get(port: port, path: "/healthz")
            #expect(health.status == 200)
            #expect(health.body == "ok\n")

            let notReady = try await LoopbackHTTPClient.get(port: port, path: "/readyz")
            #expect(notReady.status == 503)
            #expect(notReady.headers["content-type"] == "application/json")
            let body = try #require(
                try JSONSerialization.jsonObject(with: Data(notReady.body.utf8)) as? [String: Any])
            #expect(body["ready"] as? Bool == false)
            let components = try #require(body["components"] as? [[String: Any]])
            #expect(components.count == 1)
            #expect(components.first?["name"] as? String == "bus")
            #expect(components.first?["reason"] as? String == "starting")

            readiness.set("bus", ready: true, reason: "connected")
            let ready = try await LoopbackHTTPClient.get(port: port, path: "/readyz")
            #expect(ready.status == 200)
            #expect(ready.body.contains("\"ready\":true"))

            readiness.beginShutdown()
            let draining = try await LoopbackHTTPClient.get(port: port, path: "/readyz")
            #expect(draining.status == 503)
            #expect(draining.body.contains("\"shuttingDown\":true"))

            let metrics = try await LoopbackHTTPClient.get(port: port, path: "/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
            #expect(metrics.body.contains("servicekit_test_http_requests_total{route=\"test\"} 3"), "\(metrics.body)")
            // The registry is process-wide and other tests record metrics concurrently, so compare
            // this test's own series rather than the whole page.
            #expect(registry.emitToString().contains("servicekit_test_http_requests_total{route=\"test\"} 3"))

            let missing = try await LoopbackHTTPClient.get(port: port, path: "/nothing")
            #expect(missing.status == 404)
        }
    }

    @Test func listensOnAGivenPort() async throws {
        let port = try FreePort.loopback()
        try await withServer(port: port, readiness: ReadinessRegistry()) { server in
            #expect(await server.boundPort == port)
            let health = try await LoopbackHTTPClient.get(port: port, path: "/healthz")
            #expect(health.status == 200)
            let ready = try await LoopbackHTTPClient.get(port: port, path: "/readyz")
            #expect(ready.status == 200)
        }
    }

    @Test func runFailsWhenThePortIsTakenAndBoundPortFallsBack() async throws {
        try await withServer(port: 0, readiness: ReadinessRegistry()) { first in
            let taken = await first.boundPort
            let second = OperationsHTTPServer(
                host: "127.0.0.1", port: taken, readiness: ReadinessRegistry(),
                registry: MetricsBootstrap.registry(), logger: Logger(label: "ops-test"))
            await #expect(throws: (any Error).self) { try await second.run() }
            #expect(await second.boundPort == taken)
        }
    }
}
