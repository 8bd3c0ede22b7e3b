import Foundation
import ServiceKit
import ServiceLifecycle
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A directory laid out as the kubelet mounts a ConfigMap: the file is a symlink into `..data`,
/// itself a symlink to a timestamped directory; an update writes a new directory and swaps `..data`
/// atomically.
struct ConfigMapMount {
    let directory: String
    let fileName = "driver-config-params.yaml"
    private let generation = Generation()

    var path: String { "\(directory)/\(fileName)" }

    init(_ content: String) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pg-cm-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try update(content)
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "..data/\(fileName)")
    }

    /// What the kubelet does on a ConfigMap change.
    func update(_ content: String) throws {
        let version = "..\(generation.next())"
        try FileManager.default.createDirectory(atPath: "\(directory)/\(version)", withIntermediateDirectories: false)
        try content.write(toFile: "\(directory)/\(version)/\(fileName)", atomically: false, encoding: .utf8)
        let temporary = "\(directory)/..data_tmp"
        try FileManager.default.createSymbolicLink(atPath: temporary, withDestinationPath: version)
        guard rename(temporary, "\(directory)/..data") == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }

    final class Generation: Sendable {
        private let value = Mutex(0)
        func next() -> Int { value.withLock { $0 += 1; return $0 } }
    }
}

@Suite("ConfigFileWatcher on real files", .serialized)
struct ConfigFileWatcherTests {
    static func watcher(_ path: String) throws -> ConfigFileWatcher<DriverConfigParams> {
        var logger = Logger(label: "test.watcher")
        logger.logLevel = .critical
        return try ConfigFileWatcher(path: path, key: "podmon.driverConfigParams", interval: .milliseconds(50),
                                     logger: logger) { text in
            do throws(DriverConfigParamsError) { return .success(try DriverConfigParams.parse(text)) } catch { return .failure(error) }
        }
    }

    /// What a subscriber received, in order.
    final class Received: Sendable {
        private let values = Mutex<[DriverConfigParams]>([])
        func append(_ value: DriverConfigParams) { values.withLock { $0.append(value) } }
        var all: [DriverConfigParams] { values.withLock { $0 } }
        var last: DriverConfigParams? { all.last }
    }

    /// Runs the watcher in a ServiceGroup with one subscriber for `body`, then shuts it down
    /// gracefully; returns what the subscriber received after its sequence ended.
    @discardableResult
    static func running(_ watcher: ConfigFileWatcher<DriverConfigParams>,
                        _ body: (Received) async throws -> Void) async throws -> [DriverConfigParams] {
        var logger = Logger(label: "test.group")
        logger.logLevel = .critical
        let received = Received()
        let changes = watcher.changes()
        let subscriber = Task { for await value in changes { received.append(value) } }
        let group = ServiceGroup(services: [watcher], logger: logger)
        let task = Task { try await group.run() }
        do {
            try await body(received)
        } catch {
            await group.triggerGracefulShutdown()
            _ = try? await task.value
            throw error
        }
        await group.triggerGracefulShutdown()
        try await task.value
        await subscriber.value   // ends because the watcher finished the sequence
        return received.all
    }

    @Test("a plain file: changes arrive, an invalid change keeps the previous value, a fix arrives")
    func plainFile() async throws {
        let file = try TemporaryFile("PODMON_ARRAY_CONNECTIVITY_POLL_RATE: 15\n", name: "driver-config-params")
        defer { file.remove() }
        let watcher = try Self.watcher(file.path)
        #expect(watcher.current.pollInterval == .seconds(15))
        let all = try await Self.running(watcher) { received in
            try "PODMON_ARRAY_CONNECTIVITY_POLL_RATE: 30\n".write(toFile: file.path, atomically: true, encoding: .utf8)
            #expect(await eventually { received.last?.pollInterval == .seconds(30) })

            // Invalid: seen at the next poll but not handed on; a valid change after it arrives.
            try "PODMON_ARRAY_CONNECTIVITY_POLL_RATE: 15.012\n".write(toFile: file.path, atomically: true, encoding: .utf8)
            try await Task.sleep(for: .milliseconds(200))
            #expect(watcher.current.pollInterval == .seconds(30))

            try "PODMON_ARRAY_CONNECTIVITY_POLL_RATE: 45\nPODMON_CONTROLLER_LOG_LEVEL: debug\n"
                .write(toFile: file.path, atomically: true, encoding: .utf8)
            #expect(await eventually { received.last?.pollInterval == .seconds(45) })
            #expect(received.last?.controllerLogLevel == .debug)
        }
        #expect(all.map(\.pollInterval) == [.seconds(30), .seconds(45)])
    }

    @Test("a ConfigMap mount: the ..data symlink swap is seen; a removed file keeps the values")
    func configMapSwap() async throws {
        let mount = try ConfigMapMount("PODMON_ARRAY_CONNECTIVITY_CONNECTION_LOSS_THRESHOLD: 3\n")
        defer { mount.remove() }
        let watcher = try Self.watcher(mount.path)
        #expect(watcher.current.lossThreshold == 3)
        let all = try await Self.running(watcher) { received in
            try mount.update("PODMON_ARRAY_CONNECTIVITY_CONNECTION_LOSS_THRESHOLD: 5\n")
            #expect(await eventually { received.last?.lossThreshold == 5 })
            try mount.update("PODMON_ARRAY_CONNECTIVITY_CONNECTION_LOSS_THRESHOLD: 0\n")
            try await Task.sleep(for: .milliseconds(200))
            try mount.update("PODMON_ARRAY_CONNECTIVITY_CONNECTION_LOSS_THRESHOLD: 7\n")
            #expect(await eventually { received.last?.lossThreshold == 7 })

            try FileManager.default.removeItem(atPath: "\(mount.directory)/..data")
            try await Task.sleep(for: .milliseconds(200))
            #expect(watcher.current.lossThreshold == 7)
        }
        #expect(!all.contains { $0.lossThreshold == 0 })
    }

    @Test("at start a missing or invalid file is a configuration error naming the key")
    func start() throws {
        let missing = #expect(throws: ConfigError.self) { try Self.watcher("/nonexistent/driver-config-params.yaml") }
        #expect(missing?.key == "podmon.driverConfigParams")
        #expect(missing?.message.contains("no such file") == true)

        let file = try TemporaryFile("PODMON_SKIP_ARRAY_CONNECTION_VALIDATION: not-a-boolean\n", name: "driver-config-params")
        defer { file.remove() }
        let invalid = #expect(throws: ConfigError.self) { try Self.watcher(file.path) }
        #expect(invalid?.message.contains("PODMON_SKIP_ARRAY_CONNECTION_VALIDATION") == true)
    }

    @Test("graceful shutdown ends every subscriber's sequence")
    func shutdown() async throws {
        let file = try TemporaryFile("", name: "driver-config-params")
        defer { file.remove() }
        let watcher = try Self.watcher(file.path)
        // `running` returns only once its subscriber's sequence has ended.
        let all = try await Self.running(watcher) { _ in }
        #expect(all.isEmpty)
    }
}
