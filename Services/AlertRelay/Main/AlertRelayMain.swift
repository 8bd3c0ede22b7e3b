import AlertRelayService
import BusService
import Contracts
import Foundation
import ServiceKit

/// `podguard-alert-relay`: delivers podguard's Alerts to Alertmanager and to signed webhooks.
@main
enum AlertRelayMain {
    static let info = ServiceInfo(name: "alert-relay", summary: "delivers every Alert to Alertmanager's v2 API and to HMAC-signed webhooks")

    static func main() async {
        let application = PodguardApplication.bootstrap(info, schema: BusConfiguration.schema.merging(AlertRelaySettings.schema))
        do {
            let settings = try AlertRelaySettings(application.configuration, defaultInstance: ProcessInfo.processInfo.hostName)
            let bus = try await BusConnectionService.connect(application, as: .alertRelay)
            let relay = AlertRelayService(bus: bus.bus, settings: settings, readiness: application.readiness, logger: application.logger)
            try await application.run([bus, relay])
        } catch {
            application.terminate(failingWith: error)
        }
    }
}
