import Foundation
import Harness
import Testing

@Suite("nats-server harness")
struct NATSServerHarnessTests {
    @Test("starts on a free loopback port with a JetStream store, restarts on the same port")
    func startsAndRestarts() async throws {
        let server = try await NATSServerProcess.start(jetStream: true)
        defer { server.stop() }
        #expect(server.url == "nats://127.0.0.1:\(server.port)")
        #expect(FileManager.default.fileExists(atPath: server.storeDirectory.path))
        try await server.restart()
        #expect(server.url.hasSuffix(":\(server.port)"))
    }
}
