import BusService
import Contracts
import FencingCore
import FencingService
import Foundation
import Kube
import KubeService
import ServiceKit

/// `podguard-fencing`: carries out remediations (validate, fence, taint, VolumeAttachments, Event,
/// pod delete) and node taint requests from the work queue.
@main
enum FencingMain {
    static let info = ServiceInfo(name: "fencing", summary: "fences failed nodes from their volumes and moves protected pods off them")

    static func main() async {
        let schema = BusConfiguration.schema.merging(KubeClientSettings.schema).merging(FencingSettings.schema)
        let application = PodguardApplication.bootstrap(info, schema: schema)
        do {
            let configuration = application.configuration
            let settings = try FencingSettings(configuration, defaultReplicaID: ProcessInfo.processInfo.hostName)
            var kubeLogger = application.logger
            kubeLogger[metadataKey: "component"] = "kube"
            let kube = try KubeClientSettings.client(configuration, logger: kubeLogger)
            let busConnection = try await BusConnectionService.connect(application)
            let fencing = FencingService(bus: busConnection.bus, kube: kube, settings: settings,
                                         readiness: application.readiness, logger: application.logger, version: info.version)
            try await application.run([busConnection, fencing])
            try? await kube.shutdown()
        } catch {
            application.terminate(failingWith: error)
        }
    }
}
