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
            let kube = try KubeClientService.make(application)
            let busConnection = try await BusConnectionService.connect(application, as: .watcher)
            let watcher = WatcherService(bus: busConnection.bus, client: kube.client, settings: settings,
                                         leaseNamespace: LeaderElectionSettings.defaultNamespace(client: kube.client),
                                         version: info.version, readiness: application.readiness, logger: application.logger)
            try await application.run([kube, busConnection, watcher])
        } catch {
            application.terminate(failingWith: error)
        }
    }
}
