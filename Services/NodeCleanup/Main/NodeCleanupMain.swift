import BusService
import Contracts
import FamilyCatalog
import Foundation
import Kube
import KubeService
import NodeCleanupCore
import NodeCleanupService
import ServiceKit

/// `podguard-node-cleanup`: cleans a returning node of the pods moved away from it, then removes
/// the podguard taint. One per node (DaemonSet).
@main
enum NodeCleanupMain {
    static let info = ServiceInfo(name: "node-cleanup", summary: "cleans pods moved away from this node, then removes the podguard taint")

    static func main() async {
        let schema = BusConfiguration.schema.merging(KubeClientSettings.schema).merging(NodeCleanupSettings.schema)
        let application = PodguardApplication.bootstrap(info, schema: schema)
        do {
            let environment = ProcessInfo.processInfo.environment
            let settings = try NodeCleanupSettings(application.configuration, environment: environment,
                                                   defaultInstance: ProcessInfo.processInfo.hostName)
            let kube = try KubeClientService.make(application, environment: environment)
            let busConnection = try await BusConnectionService.connect(application, as: .nodeCleanup)
            let cleanup = NodeCleanupService(bus: busConnection.bus, kube: kube.client, settings: settings,
                                             families: FamilyRegistry(genericDrivers: settings.genericDrivers),
                                             readiness: application.readiness, logger: application.logger, version: info.version)
            try await application.run([kube, busConnection, cleanup])
        } catch {
            application.terminate(failingWith: error)
        }
    }
}
