import BusService
import Contracts
import DecisionCore
import DecisionService
import FamilyCatalog
import Foundation
import Policy
import ServiceKit

/// `podguard-decision`: applies the failover policy to the state on the bus.
@main
enum DecisionMain {
    static let info = ServiceInfo(name: "decision", summary: "applies the failover policy and requests remediations")

    static func main() async {
        let application = PodguardApplication.bootstrap(
            info, schema: BusConfiguration.schema.merging(DecisionSettings.schema).merging(PodmonCompatibility.schema))
        do {
            let families = FamilyRegistry(genericDrivers: FamilyConfiguration.genericDrivers(application.configuration))
            var policy = try DecisionSettings.policy(application.configuration, families: families)
            // podmon's driver ConfigMap, when configured: start values now, changes while running.
            let driverParams = try PodmonCompatibility.driverConfigParamsWatcher(
                application.configuration, environment: ProcessInfo.processInfo.environment, logger: application.logger)
            if let driverParams {
                PodmonCompatibility.applyAtStart(driverParams.current, role: .controller,
                                                 configuration: application.configuration, logger: application.logger)
                DecisionSettings.adopt(driverParams.current, into: &policy, configuration: application.configuration)
            }
            let livePolicy = LivePolicy(skipArrayConnectionValidation: policy.skipArrayConnectionValidation)
            let reload: [any Service] = driverParams.map {
                [$0, DecisionSettings.reloader($0, live: livePolicy, logger: application.logger)]
            } ?? []
            let busConnection = try await BusConnectionService.connect(application, as: .decision)
            let instance = ProcessInfo.processInfo.hostName
            var engine = DecisionEngine(configuration: policy, taintKeys: families.taintKeys, producerID: "decision/\(instance)",
                                        version: info.version) { UUID().uuidString.lowercased() }
            engine.retryAfterAbort = application.configuration.duration("decision.retryAfterAbort") ?? .seconds(10)
            engine.requeue = WorkRequeue(after: application.configuration.duration("decision.requeueUnclaimedAfter") ?? .seconds(120))
            let decision = DecisionService(bus: busConnection.bus, engine: engine,
                                           readiness: application.readiness, logger: application.logger,
                                           reevaluateEvery: application.configuration.duration("decision.reevaluateEvery") ?? .seconds(5),
                                           livePolicy: livePolicy)
            try await application.run([busConnection, decision] + reload)
        } catch {
            application.terminate(failingWith: error)
        }
    }
}
