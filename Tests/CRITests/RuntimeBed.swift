import CRI
import CRISimulator
import Foundation
import Logging

/// A CRI runtime simulator on a fresh socket in its own temporary directory, and a client of it.
struct RuntimeBed: Sendable {
    let runtime: CRIRuntimeSimulator
    let source: InMemoryContainerSource
    let client: CRIClient

    static let quiet: Logger = {
        var logger = Logger(label: "test.cri")
        logger.logLevel = .critical
        return logger
    }()

    /// Waits until `condition` holds (polling); false if it did not within `limit`. Not a timing
    /// assertion: the limit only bounds a broken test.
    static func eventually(within limit: Duration = .seconds(15), _ condition: () async -> Bool) async -> Bool {
        let end = ContinuousClock.now + limit
        while ContinuousClock.now < end {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return await condition()
    }
}

/// Runs `body` with a started simulator holding `containers` and a running client of it; stops both.
func withRuntime<T: Sendable>(
    _ containers: [SimulatedContainer] = [], deadline: Duration = .seconds(5),
    _ body: (RuntimeBed) async throws -> T
) async throws -> T {
    let dir = FileManager.default.temporaryDirectory
        .appendingPathComponent("pg-cri-\(UInt32.random(in: 0...UInt32.max))", isDirectory: true)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let source = InMemoryContainerSource(containers)
    let runtime = CRIRuntimeSimulator(socketPath: dir.appendingPathComponent("containerd.sock").path,
                                      source: source, logger: RuntimeBed.quiet)
    try await runtime.start()
    do {
        let result = try await CRIClient.withClient(
            endpoint: runtime.endpoint,
            configuration: CRIClientConfiguration(defaultDeadline: deadline, reconnectMaximumBackoff: .milliseconds(200)),
            logger: RuntimeBed.quiet
        ) { client in
            try await body(RuntimeBed(runtime: runtime, source: source, client: client))
        }
        await runtime.stop()
        return result
    } catch {
        await runtime.stop()
        throw error
    }
}

/// Two pods on a node: db-0 (a running and an exited attempt of postgres, a running sidecar) and
/// web-0 (one running container), plus a container no kubelet made.
let twoPods: [SimulatedContainer] = [
    SimulatedContainer(id: "c-db-old", podUID: "uid-db", podName: "db-0", podNamespace: "prod",
                       containerName: "postgres", state: .exited, createdAtNanoseconds: 1_000, attempt: 0),
    SimulatedContainer(id: "c-db", podUID: "uid-db", podName: "db-0", podNamespace: "prod",
                       containerName: "postgres", state: .running, createdAtNanoseconds: 2_000, attempt: 1),
    SimulatedContainer(id: "c-db-sidecar", podUID: "uid-db", podName: "db-0", podNamespace: "prod",
                       containerName: "exporter", state: .created, createdAtNanoseconds: 3_000),
    SimulatedContainer(id: "c-web", podUID: "uid-web", podName: "web-0", podNamespace: "prod",
                       containerName: "nginx", state: .running),
]
