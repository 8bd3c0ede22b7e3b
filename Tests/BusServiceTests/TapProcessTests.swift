import Foundation
import Harness
import Testing

/// Runs the built `podguard-tap` executable as a process, as an operator would.
@Suite("podguard-tap as a process", .serialized)
struct TapProcessTests {
    static var executable: URL { BuildProducts.executable("podguard-tap") }

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> Outcome {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PODGUARD_") }
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read before waiting so a full pipe cannot block the child.
        async let stdout = Task.detached { out.fileHandleForReading.readDataToEndOfFile() }.value
        async let stderr = Task.detached { err.fileHandleForReading.readDataToEndOfFile() }.value
        let (o, e) = await (stdout, stderr)
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                       stderr: String(decoding: e, as: UTF8.self))
    }

    @Test("a configuration error exits 78 with a message naming the key and the expected form")
    func configurationErrors() async throws {
        let badPort = try await Self.run(["--http.port", "eighty"])
        #expect(badPort.status == 78)
        #expect(badPort.stderr.contains("'http.port'"))
        #expect(badPort.stderr.contains("expected an integer"))

        let typo = try await Self.run(["--bus.sever=nats://127.0.0.1:4222"])
        #expect(typo.status == 78)
        #expect(typo.stderr.contains("did you mean '--bus.servers'"))

        let fromEnvironment = try await Self.run([], environment: ["PODGUARD_BUS_SERVERS": "http://127.0.0.1:1"])
        #expect(fromEnvironment.status == 78)
        #expect(fromEnvironment.stderr.contains("bus.servers"))

        let version = try await Self.run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout == "podguard-tap 0.1.0\n")
    }

    @Test("creates the topology, publishes a typed Alert through JetStream, prints it decoded, exits 0")
    func endToEnd() async throws {
        let server = try await NATSServerProcess.start(jetStream: true)
        defer { server.stop() }
        let outcome = try await Self.run(
            ["--http.port", "0", "--tap.ensureTopology", "--tap.publishTestAlert", "--tap.exitAfterMessages", "1",
             "--log.format", "json"],
            environment: ["PODGUARD_BUS_SERVERS": server.url])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let line = try #require(outcome.stdout.split(separator: "\n").first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["type"] as? String == "podguard.v1.Alert")
        #expect(object["subject"] as? String == "podguard.v1.alert.info.TestAlert")
        let message = try #require(object["message"] as? [String: Any])
        #expect(message["reason"] as? String == "TestAlert")
        // Every log line is one JSON object.
        for logLine in outcome.stderr.split(separator: "\n") {
            #expect((try? JSONSerialization.jsonObject(with: Data(logLine.utf8))) != nil, "not JSON: \(logLine)")
        }
        #expect(outcome.stderr.contains("PODGUARD_ALERTS"))
        #expect(outcome.stderr.contains("podguard-fences"))
    }
}
