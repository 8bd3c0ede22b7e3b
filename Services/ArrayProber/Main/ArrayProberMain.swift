import ArrayProberCore
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
        let application = PodguardApplication.bootstrap(
            info, schema: BusConfiguration.schema.merging(ProberSettings.schema).merging(PodmonCompatibility.schema))
        do {
            var settings = ProberSettings(application.configuration, defaultReplicaID: ProcessInfo.processInfo.hostName)
            // podmon's driver ConfigMap, when configured: start values now, changes while running.
            let driverParams = try PodmonCompatibility.driverConfigParamsWatcher(
                application.configuration, environment: ProcessInfo.processInfo.environment, logger: application.logger)
            var reload: [any Service] = []
            if let driverParams {
                PodmonCompatibility.applyAtStart(driverParams.current, role: .controller,
                                                 configuration: application.configuration, logger: application.logger)
                settings.adopt(driverParams.current, configuration: application.configuration)
                reload = [driverParams, settings.reloader(driverParams, logger: application.logger)]
            }
            let busConnection = try await BusConnectionService.connect(application, as: .arrayProber)
            let prober = ArrayProberService(bus: busConnection.bus, settings: settings,
                                            readiness: application.readiness, logger: application.logger)
            try await application.run([busConnection, prober] + reload)
        } catch {
            application.terminate(failingWith: error)
        }
    }
}
