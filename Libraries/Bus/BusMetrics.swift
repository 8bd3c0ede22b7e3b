import Metrics

/// The bus library's metrics, labelled with the client name so several connections in one process
/// stay apart. Names follow Prometheus conventions; docs/operations.md lists them.
struct BusMetrics: Sendable {
    let connected: Gauge
    let reconnects: Counter
    let disconnects: Counter
    let slowConsumerEvents: Counter
    let asyncErrors: Counter
    /// Publishes and subscriptions the server refused (the user lacks the permission).
    let permissionDenials: Counter
    private let client: String

    init(client: String) {
        self.client = client
        let dimensions = [("client", client)]
        connected = Gauge(label: "podguard_bus_connected", dimensions: dimensions)
        reconnects = Counter(label: "podguard_bus_reconnects_total", dimensions: dimensions)
        disconnects = Counter(label: "podguard_bus_disconnects_total", dimensions: dimensions)
        slowConsumerEvents = Counter(label: "podguard_bus_slow_consumer_events_total", dimensions: dimensions)
        asyncErrors = Counter(label: "podguard_bus_async_errors_total", dimensions: dimensions)
        permissionDenials = Counter(label: "podguard_bus_permission_denials_total", dimensions: dimensions)
    }

    /// Messages a subscription dropped because its consumer did not keep up.
    func droppedMessages(subscription subject: String) -> Counter {
        Counter(label: "podguard_bus_dropped_messages_total", dimensions: [("client", client), ("subscription", subject)])
    }

    /// Payloads on a typed subscription that did not decode as the expected message.
    func undecodableMessages(subscription subject: String, type: String) -> Counter {
        Counter(
            label: "podguard_bus_undecodable_messages_total",
            dimensions: [("client", client), ("subscription", subject), ("type", type)]
        )
    }
}
