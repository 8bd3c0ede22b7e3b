import Bus
import BusService
import Contracts
import Foundation
import Logging
import ServiceKit
import ServiceLifecycle
import SwiftProtobuf

/// Subscribes to the configured subjects and prints each message as one JSON line on stdout.
struct TapService: Service {
    let settings: TapSettings
    let connection: BusConnection
    let readiness: ReadinessRegistry
    let logger: Logger
    private let registry: PayloadTypeRegistry
    static let readinessComponent = "tap"

    init(settings: TapSettings, connection: BusConnection, readiness: ReadinessRegistry, logger: Logger) {
        self.settings = settings
        self.connection = connection
        self.readiness = readiness
        self.logger = logger
        self.registry = PayloadTypeRegistry(topology: settings.topology)
        readiness.register(Self.readinessComponent)
    }

    func run() async throws {
        try await connection.waitUntilConnected(timeout: .seconds(30))
        if settings.ensureTopology {
            try await TopologyInstaller.ensure(settings.topology, on: try connection.jetStream(), logger: logger)
        }
        let subscriptions = try settings.subjects.map { try connection.subscribe(to: $0) }
        try await connection.flush()
        readiness.set(Self.readinessComponent, ready: true)
        logger.info("tap subscribed", metadata: ["subjects": "\(settings.subjects)"])
        if settings.publishTestAlert { try await publishTestAlert() }

        let printed = await withTaskGroup(of: Void.self, returning: Int.self) { group in
            let (lines, sink) = AsyncStream<String>.makeStream()
            for subscription in subscriptions {
                group.addTask {
                    for await message in subscription { sink.yield(TapLine.render(message, registry: registry)) }
                }
            }
            var count = 0
            for await line in lines.cancelOnGracefulShutdown() {
                FileHandle.standardOutput.write(Data((line + "\n").utf8))
                count += 1
                if let limit = settings.exitAfterMessages, count >= limit { break }
            }
            group.cancelAll()
            for subscription in subscriptions { subscription.unsubscribe() }
            return count
        }
        logger.info("tap finished", metadata: ["printed": "\(printed)"])
    }

    private func publishTestAlert() async throws {
        let alert = alert(
            id: UUID().uuidString.lowercased(), severity: .info, reason: "TestAlert",
            summary: "podguard-tap test alert: the bus carries typed messages end to end", at: Date())
        let subject = settings.topology.subjects.alert(severity: .info, reason: alert.reason)
        let ack = try await connection.jetStream().publish(alert, to: subject, messageID: alert.alertID)
        logger.info("published test alert", metadata: ["subject": "\(subject)", "stream": "\(ack.stream)", "sequence": "\(ack.sequence)"])
    }
}

/// One message as a JSON object: subject, the payload's protobuf type and its JSON form, or why it
/// could not be decoded.
enum TapLine {
    static func render(_ message: BusMessage, registry: PayloadTypeRegistry) -> String {
        var object: [String: Any] = ["subject": message.subject, "bytes": message.payload.count]
        if let replyTo = message.replyTo { object["replyTo"] = replyTo }
        if let type = registry.messageType(forSubject: message.subject) {
            object["type"] = type.protoMessageName
            do {
                let decoded = try type.init(serializedBytes: message.payload)
                let json = try decoded.jsonString()
                object["message"] = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) ?? json
            } catch {
                object["error"] = "undecodable \(type.protoMessageName): \(error)"
            }
        } else {
            object["error"] = "no podguard message type is registered for this subject"
        }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else {
            return "{\"subject\":\"\(message.subject)\",\"error\":\"unprintable\"}"
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// podguard-tap's test alert is built like every other podguard alert.
extension TapService: MessageProducer {
    var producerID: String { "podguard-tap" }
    var version: String { PodguardVersion.current }
}
