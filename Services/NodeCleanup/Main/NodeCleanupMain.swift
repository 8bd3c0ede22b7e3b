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
            var kubeLogger = application.logger
            kubeLogger[metadataKey: "component"] = "kube"
            let kube = try KubeClientSettings.client(application.configuration, logger: kubeLogger, environment: environment)
            let busConnection = try await BusConnectionService.connect(application)
            let cleanup = NodeCleanupService(bus: busConnection.bus, kube: kube, settings: settings,
                                             families: FamilyRegistry(genericDrivers: settings.genericDrivers),
                                             readiness: application.readiness, logger: application.logger, version: info.version)
            try await application.run([busConnection, cleanup])
            try? await kube.shutdown()
        } catch {
            application.terminate(failingWith: error)
        }
    }
}
