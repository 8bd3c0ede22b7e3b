import Foundation
import KubeService
import ServiceKit
import StatefulClusterService

/// `podguard-statefulcluster`: the StatefulCluster controller (pods that never reuse an identity).
@main
enum StatefulClusterMain {
    static let info = ServiceInfo(name: "statefulcluster", summary: "runs StatefulClusters: stateful pods that never reuse an identity")

    static func main() async {
        let schema = KubeClientSettings.schema.merging(StatefulClusterSettings.schema)
        let application = PodguardApplication.bootstrap(info, schema: schema)
        do {
            let identity = ProcessInfo.processInfo.environment["POD_NAME"].flatMap { $0.isEmpty ? nil : $0 } ?? ProcessInfo.processInfo.hostName
            let settings = try StatefulClusterSettings(application.configuration, defaultIdentity: identity)
            let kube = try KubeClientService.make(application)
            let controller = StatefulClusterService(client: kube.client, settings: settings,
                                                    leaseNamespace: LeaderElectionSettings.defaultNamespace(client: kube.client),
                                                    readiness: application.readiness, logger: application.logger)
            try await application.run([kube, controller])
        } catch {
            application.terminate(failingWith: error)
        }
    }
}
