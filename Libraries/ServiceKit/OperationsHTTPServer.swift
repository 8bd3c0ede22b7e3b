import Hummingbird
import NIOCore
import Prometheus

/// The HTTP endpoints an orchestrator and Prometheus talk to:
///
/// - `GET /metrics`: the Prometheus text exposition of `registry`.
/// - `GET /healthz`: `200 ok` while the process runs (liveness: restart only a hung process).
/// - `GET /readyz`: `200` when ``ReadinessRegistry/isReady``, else `503`; the JSON body lists each
///   component and its reason, so `kubectl describe` shows why a pod is held back.
///
/// It is a swift-service-lifecycle `Service`; run it in the same `ServiceGroup` as the service's work
/// (``PodguardApplication/run(_:)`` does), listed first so it is shut down last and keeps answering
/// probes while the other services drain.
public struct OperationsHTTPServer: Service {
    private let host: String
    private let port: Int
    private let readiness: ReadinessRegistry
    private let registry: PrometheusCollectorRegistry
    private let logger: Logger
    private let bound: BoundPort

    public init(host: String, port: Int, readiness: ReadinessRegistry, registry: PrometheusCollectorRegistry, logger: Logger) {
        self.host = host
        self.port = port
        self.readiness = readiness
        self.registry = registry
        self.logger = logger
        self.bound = BoundPort(fallback: port)
    }

    /// The port the server listens on, which differs from the configured one when that was 0. Waits
    /// until the server is listening; returns the configured port if the server stopped before that.
    public var boundPort: Int {
        get async { await bound.value }
    }

    public func run() async throws {
        let router = Router()
        let readiness = self.readiness
        let registry = self.registry
        router.get("healthz") { _, _ in
            Self.response(.ok, contentType: "text/plain; charset=utf-8", body: "ok\n")
        }
        router.get("readyz") { _, _ in
            let ready = readiness.isReady
            return Self.response(
                ready ? .ok : .serviceUnavailable,
                contentType: "application/json",
                body: Self.readinessJSON(ready: ready, readiness: readiness)
            )
        }
        router.get("metrics") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer()))
            )
        }
        let bound = self.bound
        let application = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port)),
            onServerRunning: { channel in
                bound.publish(channel.localAddress?.port ?? 0)
            },
            logger: logger
        )
        defer { bound.publishFallbackIfUnbound() }
        try await application.run()
    }

    private static func response(_ status: HTTPResponse.Status, contentType: String, body: String) -> Response {
        Response(
            status: status,
            headers: [.contentType: contentType],
            body: .init(byteBuffer: ByteBuffer(string: body))
        )
    }

    /// `{"ready":false,"shuttingDown":false,"components":[{"name":"bus","ready":false,"reason":"connecting"}]}`
    static func readinessJSON(ready: Bool, readiness: ReadinessRegistry) -> String {
        var json = "{\"ready\":\(ready),\"shuttingDown\":\(readiness.isShuttingDown),\"components\":["
        for (index, component) in readiness.snapshot().enumerated() {
            if index > 0 { json += "," }
            json += "{\"name\":"
            JSONLogHandler.appendQuoted(component.component, to: &json)
            json += ",\"ready\":\(component.ready)"
            if let reason = component.reason {
                json += ",\"reason\":"
                JSONLogHandler.appendQuoted(reason, to: &json)
            }
            json += "}"
        }
        return json + "]}\n"
    }
}
