import BusService
import Contracts
import DecisionService
import Foundation
import Policy
import ServiceKit

/// `podguard-decision`: applies the failover policy to the state on the bus.
@main
enum DecisionMain {
    static let info = ServiceInfo(name: "decision", summary: "applies the failover policy and requests remediations")

    static func main() async {
        let application = PodguardApplication.bootstrap(info, schema: BusConfiguration.schema.merging(DecisionSettings.schema))
        do {
            let policy = try DecisionSettings.policy(application.configuration)
            let prefix = application.configuration.string("bus.subjectPrefix") ?? PodguardSubjects.defaultPrefix
            let topology = BusTopology(subjects: try PodguardSubjects(prefix: prefix))
            let bus = try await BusConnectionService.connect(application)
            let instance = ProcessInfo.processInfo.hostName
            var engine = DecisionEngine(configuration: policy, taintKeys: DellTaintKeys.all, producerID: "decision/\(instance)",
                                        version: info.version) { UUID().uuidString.lowercased() }
            engine.retryAfterAbort = application.configuration.duration("decision.retryAfterAbort") ?? .seconds(10)
            let decision = DecisionService(connection: bus.connection, topology: topology, engine: engine,
                                           readiness: application.readiness, logger: application.logger,
                                           reevaluateEvery: application.configuration.duration("decision.reevaluateEvery") ?? .seconds(5))
            try await application.run([bus, decision])
        } catch {
            application.terminate(failingWith: error)
        }
    }
}
