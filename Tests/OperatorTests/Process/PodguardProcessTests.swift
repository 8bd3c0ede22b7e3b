import SwiftProtobuf
import BusService
import Bus
import Contracts
import Foundation
import Harness
import Testing

/// The built `podguard` executable as an operator runs it.
@Suite("podguard as a process", .serialized, .timeLimit(.minutes(3)))
struct PodguardProcessTests {
    static var executable: URL { BuildProducts.executable("podguard") }

    /// The test's environment without PODGUARD_* (a developer's shell must not leak in), plus `extra`.
    static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PODGUARD_") && $0.key != "KUBECONFIG" }.merging(extra) { $1 }
    }

    static func run(_ arguments: [String], environment extra: [String: String] = [:], executable: URL = executable) async throws -> ChildProcess.Result {
        try await ChildProcess.run(executable, arguments, environment: environment(extra))
    }

    @Test("an unreachable bus: one line on stderr naming the servers, a non-zero exit, within seconds")
    func unreachable() async throws {
        let port = try FreePort.loopback()
        let started = ContinuousClock.now
        let result = try await Self.run(["status", "--connect-timeout", "2s"], environment: ["PODGUARD_BUS_SERVERS": "nats://127.0.0.1:\(port)"])
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(result.status == 69)
        let lines = result.output.split(separator: "\n")
        #expect(lines.count == 1, "\(result.output)")
        #expect(lines.first?.hasPrefix("podguard: cannot reach the bus at nats://127.0.0.1:\(port) (no answer within 2 s)") == true, "\(result.output)")
    }

    @Test("status --output json on a real bus, as the observer from its password variable")
    func statusJSON() async throws {
        let bus = try await SeededBus.start()
        defer { Task { await bus.stop() } }
        _ = try await bus.open.nodes.put(PodguardKeys.node("worker-1"), message: Records.node("worker-1"))
        let result = try await Self.run(["status", "--output", "json"],
                                        environment: SeededBus.environment.merging(["PODGUARD_BUS_SERVERS": bus.server.url]) { $1 })
        #expect(result.status == 0, "\(result.output)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any], "\(result.output)")
        #expect((object["nodes"] as? [[String: Any]])?.map { $0["name"] as? String } == ["worker-1"])
        #expect((object["pause"] as? [String: Any])?["paused"] as? Bool == false)
    }

    @Test("pause and resume through the executable, flags as the services spell them")
    func pauseResume() async throws {
        let bus = try await SeededBus.start()
        defer { Task { await bus.stop() } }
        let environment = SeededBus.environment.merging(["USER": "carol"]) { $1 }
        let paused = try await Self.run(["pause", "--bus.servers", bus.server.url, "--reason", "array upgrade", "--for", "2h"], environment: environment)
        #expect(paused.status == 0, "\(paused.output)")
        #expect(paused.output.hasPrefix("paused by carol (array upgrade) since "), "\(paused.output)")
        let stored = try await bus.open.control.get(PodguardKeys.pause, as: Podguard_V1_PauseSwitch.self)?.value
        #expect(stored?.paused == true)
        #expect(stored?.by == "carol")
        let resumed = try await Self.run(["resume", "--bus.servers", bus.server.url, "-o", "yaml"], environment: environment)
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(resumed.output.contains("paused: false"), "\(resumed.output)")
    }

    @Test("bad input: a clear error and the usage exit code, before any connection")
    func badInput() async throws {
        let pod = try await Self.run(["explain", "postgres-0"])
        #expect(pod.status == 64)
        #expect(pod.output.contains("'postgres-0' is not a pod: expected <namespace>/<pod>"), "\(pod.output)")
        let duration = try await Self.run(["pause", "--reason", "x", "--for", "soon"])
        #expect(duration.status == 64)
        #expect(duration.output.contains("--for: 'soon' is not a duration"), "\(duration.output)")
        let output = try await Self.run(["status", "-o", "xml"])
        #expect(output.status == 64)
        #expect(output.output.contains("unknown output format 'xml'"), "\(output.output)")
        let configuration = try await Self.run(["status"], environment: ["PODGUARD_BUS_SERVERS": "http://127.0.0.1:1"])
        #expect(configuration.status == 78)
        #expect(configuration.output.hasPrefix("podguard: configuration error: invalid value 'http://127.0.0.1:1' for 'bus.servers'"), "\(configuration.output)")
    }

    @Test("completion bash prints ArgumentParser's script; --version")
    func completionAndVersion() async throws {
        let bash = try await Self.run(["completion", "bash"])
        #expect(bash.status == 0)
        #expect(bash.output.contains("_podguard()"), "\(bash.output.prefix(300))")
        #expect(bash.output.contains("complete -F _podguard podguard") || bash.output.contains("complete -o filenames -F _podguard podguard"))
        #expect(bash.output.contains("explain"))
        for shell in ["zsh", "fish"] {
            #expect(try await Self.run(["completion", shell]).status == 0)
        }
        let version = try await Self.run(["--version"])
        #expect(version.output == "podguard 0.1.0\n")
    }

    @Test("installed as kubectl-podguard it is a kubectl plugin")
    func kubectlPlugin() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("podguard-plugin-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let plugin = directory.appendingPathComponent("kubectl-podguard")
        try FileManager.default.createSymbolicLink(at: plugin, withDestinationURL: Self.executable)
        let help = try await Self.run(["--help"], executable: plugin)
        #expect(help.status == 0)
        #expect(help.output.contains("USAGE: kubectl podguard <subcommand>"), "\(help.output)")
        let port = try FreePort.loopback()
        let failed = try await Self.run(["status", "--connect-timeout", "1s", "--bus.servers", "nats://127.0.0.1:\(port)"], executable: plugin)
        #expect(failed.status == 69)
        #expect(failed.output.hasPrefix("kubectl podguard: cannot reach the bus"), "\(failed.output)")

        // And kubectl itself (the control plane's, the server's version) finds and runs it.
        let plane = try await KubeControlPlane.shared()
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = directory.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment["KUBECONFIG"] = plane.kubeconfigPath
        let kubectl = URL(fileURLWithPath: plane.kubectlPath)
        let listed = try await ChildProcess.run(kubectl, ["plugin", "list"], environment: environment)
        #expect(listed.output.contains(plugin.path), "kubectl plugin list:\n\(listed.output)")
        let viaKubectl = try await ChildProcess.run(kubectl, ["podguard", "--help"], environment: environment)
        #expect(viaKubectl.status == 0 && viaKubectl.output.contains("USAGE: kubectl podguard <subcommand>"), "\(viaKubectl.output)")
    }
}
