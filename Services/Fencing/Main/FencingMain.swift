import BusService
import Contracts
import FencingService
import Foundation
import Kube
import ServiceKit

/// `podguard-fencing`: carries out remediations (validate, fence, taint, VolumeAttachments, Event,
/// pod delete) and node taint requests from the work queue.
@main
enum FencingMain {
    static let info = ServiceInfo(name: "fencing", summary: "fences failed nodes from their volumes and moves protected pods off them")

    static func main() async {
        let application = PodguardApplication.bootstrap(info, schema: BusConfiguration.schema.merging(FencingSettings.schema))
        do {
            let configuration = application.configuration
            let settings = try FencingSettings(configuration, defaultReplicaID: ProcessInfo.processInfo.hostName)
            let prefix = configuration.string("bus.subjectPrefix") ?? PodguardSubjects.defaultPrefix
            let topology = BusTopology(subjects: try PodguardSubjects(prefix: prefix))
            var kubeConfiguration = try configuration.string("kube.kubeconfig").map {
                try KubeClientConfiguration.fromKubeconfig(path: $0, context: configuration.string("kube.context"))
            } ?? KubeClientConfiguration.inCluster()
            kubeConfiguration.queriesPerSecond = configuration.double("kube.qps") ?? 20
            kubeConfiguration.burst = configuration.int("kube.burst") ?? 40
            kubeConfiguration.defaultTimeout = configuration.duration("kube.requestTimeout") ?? .seconds(30)
            var kubeLogger = application.logger
            kubeLogger[metadataKey: "component"] = "kube"
            let kube = try KubeClient(configuration: kubeConfiguration, logger: kubeLogger)
            let bus = try await BusConnectionService.connect(application)
            let fencing = FencingService(connection: bus.connection, topology: topology, kube: kube, settings: settings,
                                         readiness: application.readiness, logger: application.logger, version: info.version)
            try await application.run([bus, fencing])
            try? await kube.shutdown()
        } catch {
            application.terminate(failingWith: error)
        }
    }
}
