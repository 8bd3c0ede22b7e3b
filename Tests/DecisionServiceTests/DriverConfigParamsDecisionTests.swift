import DecisionCore
import DecisionService
import Foundation
import Logging
import Policy
import ServiceKit
import ServiceLifecycle
import Testing

@Suite("decision follows PODMON_SKIP_ARRAY_CONNECTION_VALIDATION", .serialized)
struct DriverConfigParamsDecisionTests {
    static let quiet: Logger = {
        var logger = Logger(label: "test.decision.params")
        logger.logLevel = .critical
        return logger
    }()

    static func configuration(_ flags: [String: String]) throws -> Configuration {
        try ConfigLoader.load(schema: ConfigSchema.common.merging(DecisionSettings.schema).merging(PodmonCompatibility.schema),
                              file: nil, environment: [:], flags: flags)
    }

    @Test("start: the ConfigMap beats the default, an explicit key beats the ConfigMap")
    func start() throws {
        let params = try DriverConfigParams.parse("PODMON_SKIP_ARRAY_CONNECTION_VALIDATION: true")
        var policy = try DecisionSettings.policy(try Self.configuration([:]))
        DecisionSettings.adopt(params, into: &policy, configuration: try Self.configuration([:]))
        #expect(policy.skipArrayConnectionValidation)

        let explicit = try Self.configuration(["policy.skipArrayConnectionValidation": "false"])
        var pinned = try DecisionSettings.policy(explicit)
        DecisionSettings.adopt(params, into: &pinned, configuration: explicit)
        #expect(!pinned.skipArrayConnectionValidation)
    }

    @Test("a running reloader changes the live policy; removing the key restores the start value")
    func reload() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pg-dcp-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "PODMON_SKIP_ARRAY_CONNECTION_VALIDATION: false\n".write(toFile: path, atomically: true, encoding: .utf8)
        let configuration = try Self.configuration(["podmon.driverConfigParams": path, "podmon.reloadInterval": "50ms",
                                                    "policy.skipArrayConnectionValidation": "false"])
        let watcher = try #require(try PodmonCompatibility.driverConfigParamsWatcher(configuration, environment: [:],
                                                                                     logger: Self.quiet))
        let live = LivePolicy(skipArrayConnectionValidation: false)
        let group = ServiceGroup(services: [watcher, DecisionSettings.reloader(watcher, live: live, logger: Self.quiet)],
                                 logger: Self.quiet)
        let running = Task { try await group.run() }

        func eventually(_ condition: () -> Bool) async -> Bool {
            for _ in 0..<300 where !condition() { try? await Task.sleep(for: .milliseconds(50)) }
            return condition()
        }
        try "PODMON_SKIP_ARRAY_CONNECTION_VALIDATION: \"True\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(await eventually { live.skipArrayConnectionValidation })
        #expect(live.applied(to: PolicyConfiguration()).skipArrayConnectionValidation)

        try "PODMON_CONTROLLER_LOG_FORMAT: json\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(await eventually { !live.skipArrayConnectionValidation })

        await group.triggerGracefulShutdown()
        try await running.value
    }
}
