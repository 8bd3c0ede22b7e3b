import AlertRelayCore
import AsyncHTTPClient
import Bus
import BusService
import Contracts
import Foundation
import Logging
import ServiceKit
import ServiceLifecycle

/// alert-relay: pulls every Alert from `PODGUARD_ALERTS` through the durable consumer its replicas
/// share and delivers it to each receiver whose filter takes it. An Alert is acknowledged when
/// every such receiver took it; until then it is redelivered with a growing delay, so an outage of
/// a receiver or a relay killed mid-burst loses nothing, and the delivery record sends nothing twice.
public struct AlertRelayService: Service {
    let bus: PodguardBus
    let settings: AlertRelaySettings
    let readiness: ReadinessRegistry
    let logger: Logger
    let environment: [String: String]
    public static let readinessComponent = "alert-relay"

    public init(bus: PodguardBus, settings: AlertRelaySettings, readiness: ReadinessRegistry, logger: Logger,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.bus = bus
        self.settings = settings
        self.readiness = readiness
        self.logger = logger
        self.environment = environment
        readiness.register(Self.readinessComponent)
    }

    public func run() async throws {
        let poster = HTTPPoster(client: HTTPClient.shared, timeout: settings.timeout)
        // Keys first: a receiver without its key stops the relay before it takes any Alert.
        var receivers: [any AlertReceiver] = try settings.webhooks.map {
            WebhookAlertReceiver(receiver: $0, key: try WebhookAlertReceiver.key(of: $0, environment: environment), poster: poster)
        }
        let open = try await bus.open(logger: logger)
        let js = open.jetStream
        let firing = FiringRecords(store: try await bus.keyValue(bus.topology.alertFiringBucket, on: js),
                                   eventDuration: settings.mapping.eventDuration)
        let deliveries = DeliveryRecords(store: try await bus.keyValue(bus.topology.alertDeliveriesBucket, on: js),
                                         producerID: settings.producerID)
        var alertmanager: AlertmanagerReceiver?
        if !settings.alertmanagerURLs.isEmpty {
            let logger = logger
            let receiver = AlertmanagerReceiver(urls: settings.alertmanagerURLs, mapping: settings.mapping, records: firing,
                                                poster: poster) { url, error in
                logger.warning("an Alertmanager instance refused a post", metadata: ["url": "\(url)", "error": "\(error)"])
            }
            alertmanager = receiver
            receivers.insert(receiver, at: 0)
        }
        let spec = bus.topology.alertRelayConsumer
        try await js.createOrUpdateConsumer(stream: spec.stream, TopologyInstaller.consumerConfiguration(spec))
        let consumer = try await js.pullConsumer(stream: spec.stream, durableName: spec.durableName, filterSubject: spec.filterSubject)
        let delivery = AlertDelivery(receivers: receivers, filters: settings.receivers, deliveries: deliveries,
                                     backoff: settings.backoff,
                                     metrics: AlertRelayMetrics(staleAfter: settings.backoff.maximum + spec.ackWait + settings.timeout * 4),
                                     logger: logger)

        readiness.set(Self.readinessComponent, ready: true)
        logger.info("alert relay ready", metadata: [
            "receivers": "\(receivers.map(\.name))", "consumer": "\(spec.durableName)", "instance": "\(settings.instance)"])
        let logger = logger
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                // An observer may delete consumers of the alert stream; the relay owns this one and
                // creates it again (the delivery records keep a re-read from sending anything twice).
                await WorkQueueLoop(consumer: consumer, concurrency: settings.concurrency, logger: logger, afterFetchFailure: {
                    try? await js.createOrUpdateConsumer(stream: spec.stream, TopologyInstaller.consumerConfiguration(spec))
                }).run { await delivery.handle($0) }
            }
            group.addTask {
                await cancelWhenGracefulShutdown {
                    while !Task.isCancelled {
                        delivery.metrics.refresh(now: Date())
                        try? await Task.sleep(for: .seconds(15))
                    }
                }
            }
            if let alertmanager {
                group.addTask {
                    await cancelWhenGracefulShutdown {
                        await Self.resendLoop(alertmanager, every: settings.resendInterval, metrics: delivery.metrics, logger: logger)
                    }
                }
            }
        }
        readiness.set(Self.readinessComponent, ready: false, reason: "shutting down")
        logger.info("alert relay stopped; Alerts in hand finished")
    }

    static func resendLoop(_ alertmanager: AlertmanagerReceiver, every interval: Duration, metrics: AlertRelayMetrics,
                           logger: Logger) async {
        while !Task.isCancelled {
            do {
                metrics.firing(try await alertmanager.repostFiring(now: Date()))
            } catch {
                logger.warning("firing alerts not re-posted; next try in one interval", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }
}

/// One Alert's way through the receivers (`DeliveryPlan`): each pending receiver in turn, its
/// success recorded at once, then acknowledged, or redelivered after `backoff` if any failed.
struct AlertDelivery: Sendable {
    let receivers: [any AlertReceiver]
    let filters: [(name: String, filter: AlertFilter)]
    let deliveries: DeliveryRecords
    let backoff: RetryBackoff
    let metrics: AlertRelayMetrics
    let logger: Logger

    func handle(_ message: JetStreamMessage) async {
        let alert: Podguard_V1_Alert
        do {
            alert = try message.decode(as: Podguard_V1_Alert.self)
        } catch {
            // A foreign or newer publisher's message: it can never be delivered, so it is dropped
            // (and counted), never retried for ever.
            metrics.undecodable()
            logger.error("message on an alert subject is no Alert; dropped", metadata: ["subject": "\(message.subject)", "error": "\(error)"])
            try? message.term()
            return
        }
        let storedAt = Date(timeIntervalSince1970: TimeInterval(message.metadata.timestampNanoseconds) / 1e9)
        // An Alert without an id is keyed by its place in the stream, which a redelivery keeps.
        let id = alert.alertID.isEmpty ? "\(message.metadata.stream)#\(message.metadata.streamSequence)" : alert.alertID
        do {
            let plan = DeliveryPlan(alert: alert, receivers: filters, record: try await deliveries.read(alertID: id))
            if !plan.skipped.isEmpty {
                try await deliveries.add(alertID: id, skippedBy: plan.skipped, now: Date())
                plan.skipped.forEach(metrics.skipped)
            }
            var failed: [String] = []
            for receiver in receivers where plan.pending.contains(receiver.name) {
                try? message.inProgress()
                let started = ContinuousClock.now
                do {
                    try await receiver.deliver(alert, now: Date())
                    metrics.delivered(receiver.name, duration: ContinuousClock.now - started)
                    try await deliveries.add(alertID: id, deliveredTo: [receiver.name], now: Date())
                } catch {
                    metrics.failed(receiver.name)
                    failed.append(receiver.name)
                    logger.warning("alert not delivered; it will be retried", metadata: [
                        "alert": "\(id)", "reason": "\(alert.reason)", "receiver": "\(receiver.name)",
                        "deliveries": "\(message.metadata.deliveryCount)", "error": "\(error)"])
                }
            }
            metrics.pending(id, storedAt: storedAt, !failed.isEmpty, now: Date())
            if failed.isEmpty {
                try await message.ackSync()
            } else {
                try message.nak(delay: backoff.delay(afterDeliveries: message.metadata.deliveryCount))
            }
        } catch {
            // The bus failed (a record could not be read or written): the Alert comes back after
            // the ack wait, and the records say what is left.
            metrics.pending(id, storedAt: storedAt, true, now: Date())
            logger.warning("alert left for redelivery", metadata: ["alert": "\(id)", "error": "\(error)"])
            try? message.nak(delay: backoff.delay(afterDeliveries: message.metadata.deliveryCount))
        }
    }
}
