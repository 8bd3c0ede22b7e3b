import Bus
import BusService
import Contracts
import ServiceKit
import Foundation

/// `podguard-tap`: prints every podguard message on the bus, decoded, one JSON object per line.
/// An operator's window onto the bus, and the demo's witness that a typed message made the trip.
@main
enum TapMain {
    static let info = ServiceInfo(name: "tap", summary: "prints every podguard message on the bus, decoded, as JSON lines")

    static let schema = BusConfiguration.schema.merging(ConfigSchema([
        ConfigKey("tap.subjects", .stringList, default: nil,
                  help: "subjects to watch (wildcards allowed); default: everything under <bus.subjectPrefix>.v1.>"),
        ConfigKey("tap.ensureTopology", .bool, default: "false",
                  help: "create podguard's JetStream streams, consumers and KeyValue buckets first"),
        ConfigKey("tap.publishTestAlert", .bool, default: "false",
                  help: "publish one typed test Alert (through JetStream) once subscribed"),
        ConfigKey("tap.exitAfterMessages", .int, default: "0", range: 0...Int(Int32.max),
                  help: "exit after printing this many messages (0 = run until stopped)"),
    ]))

    static func main() async {
        let application = PodguardApplication.bootstrap(info, schema: schema)
        do {
            let settings = try TapSettings(application.configuration)
            // Watching is an observer's right; creating the topology or a test alert an administrator's.
            let principal: BusPrincipal = settings.ensureTopology || settings.publishTestAlert ? .administrator : .observer
            let bus = try await BusConnectionService.connect(application, as: principal)
            let tap = TapService(settings: settings, connection: bus.connection, readiness: application.readiness,
                                 logger: application.logger)
            try await application.run([bus, tap])
        } catch {
            application.terminate(failingWith: error)
        }
    }
}
