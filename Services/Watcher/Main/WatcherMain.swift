import BusService
import Contracts
import Foundation
import Kube
import KubeService
import ServiceKit
import WatcherService

/// `podguard-watcher`: mirrors protected pods and nodes from Kubernetes onto the bus.
@main
enum WatcherMain {
    static let info = ServiceInfo(name: "watcher", summary: "mirrors Kubernetes nodes and protected pods onto the bus")

    static func main() async {
        let schema = BusConfiguration.schema.merging(KubeClientSettings.schema).merging(WatcherSettings.schema)
        let application = PodguardApplication.bootstrap(info, schema: schema)
        do {
            let settings = try WatcherSettings(application.configuration, defaultIdentity: ProcessInfo.processInfo.hostName)
            let client = try KubeClientSettings.client(application.configuration, logger: application.logger)
            let busConnection = try await BusConnectionService.connect(application)
            let watcher = WatcherService(bus: busConnection.bus, client: client, settings: settings,
                                         leaseNamespace: settings.leaseNamespace ?? WatcherService.defaultLeaseNamespace(client: client),
                                         version: info.version, readiness: application.readiness, logger: application.logger)
            do {
                try await application.run([busConnection, watcher])
            } catch {
                try? await client.shutdown()
                throw error
            }
            try? await client.shutdown()
        } catch {
            application.terminate(failingWith: error)
        }
    }
}
