import BusService
import Contracts
import ServiceKit

/// The tap's own settings, validated once at start.
struct TapSettings: Sendable {
    var subjects: [String]
    var topology: BusTopology
    var ensureTopology: Bool
    var publishTestAlert: Bool
    /// nil = run until stopped.
    var exitAfterMessages: Int?

    init(_ configuration: Configuration) throws(ConfigError) {
        topology = try BusConfiguration.topology(from: configuration)
        let subjects = topology.subjects
        let chosen = configuration.stringList("tap.subjects") ?? []
        self.subjects = chosen.isEmpty ? [subjects.everything] : chosen
        ensureTopology = configuration.bool("tap.ensureTopology") ?? false
        publishTestAlert = configuration.bool("tap.publishTestAlert") ?? false
        let limit = configuration.int("tap.exitAfterMessages") ?? 0
        exitAfterMessages = limit > 0 ? limit : nil
    }
}
