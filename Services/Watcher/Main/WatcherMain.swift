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
            let prefix = application.configuration.string("bus.subjectPrefix") ?? PodguardSubjects.defaultPrefix
            let topology = BusTopology(subjects: try PodguardSubjects(prefix: prefix))
            let client = try KubeClientSettings.client(application.configuration, logger: application.logger)
            let bus = try await BusConnectionService.connect(application)
            let watcher = WatcherService(connection: bus.connection, client: client, topology: topology, settings: settings,
                                         leaseNamespace: settings.leaseNamespace ?? WatcherService.defaultLeaseNamespace(client: client),
                                         version: info.version, readiness: application.readiness, logger: application.logger)
            do {
                try await application.run([bus, watcher])
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
