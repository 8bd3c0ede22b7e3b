import ArrayProberService
import BusService
import Contracts
import Foundation
import ServiceKit

/// `podguard-array-prober`: asks the adapters whether each node still reaches its arrays.
@main
enum ArrayProberMain {
    static let info = ServiceInfo(name: "array-prober", summary: "samples node-to-array connectivity and declares loss")

    static func main() async {
        let application = PodguardApplication.bootstrap(info, schema: BusConfiguration.schema.merging(ProberSettings.schema))
        do {
            let settings = ProberSettings(application.configuration, defaultReplicaID: ProcessInfo.processInfo.hostName)
            let prefix = application.configuration.string("bus.subjectPrefix") ?? PodguardSubjects.defaultPrefix
            let topology = BusTopology(subjects: try PodguardSubjects(prefix: prefix))
            let bus = try await BusConnectionService.connect(application)
            let prober = ArrayProberService(connection: bus.connection, topology: topology, settings: settings,
                                            readiness: application.readiness, logger: application.logger)
            try await application.run([bus, prober])
        } catch {
            application.terminate(failingWith: error)
        }
    }
}
