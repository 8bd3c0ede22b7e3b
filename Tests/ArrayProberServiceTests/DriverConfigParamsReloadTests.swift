import ArrayProberCore
import ArrayProberService
import Bus
import BusService
import Contracts
import Foundation
import Harness
import Logging
import ServiceKit
import ServiceLifecycle
import SwiftProtobuf
import Testing

@Suite("array-prober follows podmon's driver ConfigMap while running (real nats-server)", .serialized)
struct DriverConfigParamsReloadTests {
    static func write(_ text: String, to path: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Polls until `condition` holds; the limit only bounds a broken test.
    static func eventually(within limit: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws -> Bool {
        let end = ContinuousClock.now + limit
        while ContinuousClock.now < end {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try await condition()
    }

    @Test("start values from the ConfigMap; a new poll rate and threshold apply live; an invalid change is ignored")
    func pollRateReload() async throws {
        let bed = try await ArrayProberServiceTests.bed(nodes: ["w1"])
        defer { bed.server.stop() }
        bed.adapter.answer("w1", .connectivity(.connected, io: false))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pg-dcp-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Self.write("PODMON_ARRAY_CONNECTIVITY_POLL_RATE: 1\nPODMON_ARRAY_CONNECTIVITY_CONNECTION_LOSS_THRESHOLD: 2\n", to: path)

        // What ArrayProberMain does, minus the process-wide log level.
        let configuration = try ConfigLoader.load(
            schema: ConfigSchema.common.merging(ProberSettings.schema).merging(PodmonCompatibility.schema),
            file: nil, environment: [:],
            flags: ["podmon.driverConfigParams": path, "podmon.reloadInterval": "100ms", "prober.probeTimeout": "300ms"])
        var settings = ProberSettings(configuration, defaultReplicaID: "prober-a")
        let watcher = try #require(try PodmonCompatibility.driverConfigParamsWatcher(
            configuration, environment: [:], logger: ArrayProberServiceTests.quiet))
        settings.adopt(watcher.current, configuration: configuration)
        #expect(settings.pollInterval == .seconds(1) && settings.lossThreshold == 2)

        let connection = try await ArrayProberServiceTests.connect(bed.server, "prober-a")
        let prober = ArrayProberService(bus: PodguardBus(connection: connection, topology: ArrayProberServiceTests.topology), settings: settings,
                                        readiness: ReadinessRegistry(), logger: ArrayProberServiceTests.quiet)
        let group = ServiceGroup(services: [prober, watcher, settings.reloader(watcher, logger: ArrayProberServiceTests.quiet)],
                                 logger: ArrayProberServiceTests.quiet)
        let running = Task { try await group.run() }

        func published() async throws -> Podguard_V1_ArrayConnectivity? { try await ArrayProberServiceTests.verdict(bed, "w1") }
        #expect(try await Self.eventually {
            let message = try await published()
            return message?.pollInterval.seconds == 1 && message?.lossThreshold == 2
        })

        try Self.write("PODMON_ARRAY_CONNECTIVITY_POLL_RATE: 2\nPODMON_ARRAY_CONNECTIVITY_CONNECTION_LOSS_THRESHOLD: 2\n", to: path)
        #expect(try await Self.eventually { try await published()?.pollInterval.seconds == 2 })
        #expect(settings.pollInterval == .seconds(2))

        // Invalid content is ignored: the running values stay.
        try Self.write("PODMON_ARRAY_CONNECTIVITY_POLL_RATE: 15.012\nPODMON_ARRAY_CONNECTIVITY_CONNECTION_LOSS_THRESHOLD: 4\n", to: path)
        try await Task.sleep(for: .milliseconds(500))
        #expect(settings.pollInterval == .seconds(2) && settings.lossThreshold == 2)

        try Self.write("PODMON_ARRAY_CONNECTIVITY_POLL_RATE: 2\nPODMON_ARRAY_CONNECTIVITY_CONNECTION_LOSS_THRESHOLD: 4\n", to: path)
        #expect(try await Self.eventually { try await published()?.lossThreshold == 4 })
        let last = try #require(try await published())
        #expect(last.pollInterval.seconds == 2)
        #expect(last.verdict == .connected)

        await group.triggerGracefulShutdown()
        try await running.value
        await connection.close()
    }
}
