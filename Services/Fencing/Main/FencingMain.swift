import BusService
import Contracts
import FencingCore
import FencingService
import FamilyCatalog
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
            let kube = try KubeClientService.make(application)
            let busConnection = try await BusConnectionService.connect(application, as: .fencing)
            let fencing = FencingService(bus: busConnection.bus, kube: kube.client, settings: settings,
                                         readiness: application.readiness, logger: application.logger, version: info.version,
                                         families: FamilyRegistry(genericDrivers: FamilyConfiguration.genericDrivers(configuration)))
            try await application.run([kube, busConnection, fencing])
        } catch {
            application.terminate(failingWith: error)
        }
    }
}
