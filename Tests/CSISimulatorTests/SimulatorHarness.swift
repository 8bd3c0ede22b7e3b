import ArrayFamily
import CSI
import CSISimulator
import Foundation
import Logging

/// Starts a simulator of `family` on a fresh socket in a temporary directory, runs a CSIClient
/// against it, and tears both down.
func withSimulator<T: Sendable>(
    _ family: ArrayFamilyID, hosts: Int = 3,
    configuration: CSIClientConfiguration = CSIClientConfiguration(
        defaultDeadline: .seconds(5), pendingRetry: PendingRetryPolicy(maxAttempts: 3, delay: .milliseconds(1))),
    _ body: (CSIDriverSimulator, CSIClient) async throws -> T
) async throws -> T {
    let dir = FileManager.default.temporaryDirectory
        .appendingPathComponent("pg-csi-\(UInt32.random(in: 0...UInt32.max))", isDirectory: true)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let socket = dir.appendingPathComponent("csi.sock").path
    let simulator = CSIDriverSimulator(family: family, socketPath: socket, hosts: hosts)
    try await simulator.start()
    do {
        let result = try await CSIClient.withClient(
            endpoint: try CSIAddress(parsing: "unix://\(socket)"), configuration: configuration
        ) { client in
            try await body(simulator, client)
        }
        await simulator.stop()
        return result
    } catch {
        await simulator.stop()
        throw error
    }
}
