public import ArrayFamily
import BusService
import Contracts
import Foundation
public import ServiceKit

/// The whole `main` of an adapter executable: configuration (`BusConfiguration.schema` +
/// `AdapterSettings.schema` + the family's own keys), the bus connection, the adapter service,
/// graceful shutdown. A configuration error exits 78.
public enum AdapterLauncher {
    /// - Parameters:
    ///   - familySchema: keys only this family's adapter has (the generic adapter's driver name).
    ///   - makeFamily: the family, from the effective configuration.
    public static func main(
        _ info: ServiceInfo, familySchema: ConfigSchema = ConfigSchema([]),
        makeFamily: @Sendable (Configuration) throws(ConfigError) -> any ArrayFamily
    ) async {
        let schema = BusConfiguration.schema.merging(AdapterSettings.schema).merging(familySchema)
        let application = PodguardApplication.bootstrap(info, schema: schema)
        do {
            let family = try makeFamily(application.configuration)
            let settings = try AdapterSettings(application.configuration,
                                               defaultInstance: ProcessInfo.processInfo.hostName)
            let busConnection = try await BusConnectionService.connect(application, as: settings.mode.principal(family: family.id))
            let adapter = AdapterService(family: family, connection: busConnection.connection, subjects: busConnection.bus.subjects,
                                         settings: settings, readiness: application.readiness,
                                         logger: application.logger)
            try await application.run([busConnection, adapter])
        } catch {
            application.terminate(failingWith: error)
        }
    }
}
