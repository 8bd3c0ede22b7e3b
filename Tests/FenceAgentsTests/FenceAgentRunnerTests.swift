import FenceAgents
import Foundation
import Harness
import Testing

/// The real `fence_ipmilan` (Debian fence-agents, through ipmitool) against OpenIPMI's `ipmi_sim`
/// on 127.0.0.1.
@Suite("fence agents against a simulated BMC")
struct FenceAgentRunnerTests {
    static let runner = FenceAgentRunner(timeout: .seconds(30))

    static func target(_ bmc: IPMISimulatorProcess, password: String? = nil) -> FenceAgentTarget {
        // ipmi_sim cannot list its cipher suites: name one, as for a BMC that does not either.
        FenceAgentTarget(agent: "fence_ipmilan",
                         options: ["ip": "127.0.0.1", "ipport": "\(bmc.port)", "username": bmc.username,
                                   "lanplus": "1", "cipher": "3"],
                         password: password ?? bmc.password)
    }

    @Test("status, off confirmed by status, on: the BMC's chassis is switched each time")
    func powerCycle() async throws {
        let bmc = try await IPMISimulatorProcess.start(password: "s3cr3t-pw")
        defer { bmc.stop() }
        let target = Self.target(bmc)
        #expect(try await Self.runner.status(target) == .on)
        try await Self.runner.powerOffConfirmed(target)
        #expect(bmc.powerIsOn == false)
        #expect(try await Self.runner.status(target) == .off)
        try await Self.runner.powerOn(target)
        #expect(bmc.powerIsOn == true)
        #expect(bmc.powerChanges == [false, true])
    }

    @Test("a wrong password fails, switches nothing, and the password is in no error text")
    func wrongPassword() async throws {
        let bmc = try await IPMISimulatorProcess.start(password: "right-one")
        defer { bmc.stop() }
        let wrong = Self.target(bmc, password: "wrong-pw-4711")
        await #expect(throws: FenceAgentError.self) { try await Self.runner.powerOffConfirmed(wrong) }
        do {
            _ = try await Self.runner.status(wrong)
            Issue.record("status with a wrong password answered")
        } catch {
            #expect(!"\(error)".contains("wrong-pw-4711"))
        }
        #expect(bmc.powerChanges.isEmpty)
        #expect(bmc.powerIsOn != false)
    }

    @Test("an off the BMC does not carry out is not confirmed")
    func offNotConfirmed() async throws {
        // A chassis that answers but never powers off (a stuck relay).
        let hook = FileManager.default.temporaryDirectory.appendingPathComponent("stuck-chassis-\(UUID().uuidString.prefix(8))")
        try "#!/bin/sh\n[ \"$2\" = get ] && echo power:1\nexit 0\n".write(to: hook, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: hook.path)
        defer { try? FileManager.default.removeItem(at: hook) }
        let bmc = try await IPMISimulatorProcess.start(chassisHook: hook.path)
        defer { bmc.stop() }
        var target = Self.target(bmc)
        target.options["power_timeout"] = "3"
        do {
            try await Self.runner.powerOffConfirmed(target, attempts: 2, interval: .milliseconds(200))
            Issue.record("a stuck chassis was taken as powered off")
        } catch .failed(action: .off, _, let output) {
            // The agent waits for OFF itself and gives up.
            #expect(output.contains("power OFF"))
        } catch .offNotConfirmed(lastStatus: let last) {
            #expect(last == .on)
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(try await Self.runner.status(Self.target(bmc)) == .on)
    }

    @Test("a BMC that does not answer: the agent is killed at the deadline")
    func unreachable() async throws {
        let port = try FreePort.loopbackUDP()
        let target = FenceAgentTarget(agent: "fence_ipmilan",
                                      options: ["ip": "127.0.0.1", "ipport": "\(port)", "username": "admin",
                                                "lanplus": "1", "cipher": "3"], password: "x")
        await #expect(throws: FenceAgentError.timedOut(action: .status, after: .seconds(3))) {
            _ = try await FenceAgentRunner(timeout: .seconds(3)).status(target)
        }
    }

    @Test("targets podguard refuses to run, and the password kept out of sight", arguments: [
        FenceAgentTarget(agent: "/bin/sh", options: [:]),
        FenceAgentTarget(agent: "fence_ipmilan", options: ["ip": "127.0.0.1\naction=reboot"]),
        FenceAgentTarget(agent: "fence_ipmilan", options: ["password": "x"]),
        FenceAgentTarget(agent: "fence_ipmilan", options: ["Bad-Name": "x"]),
        FenceAgentTarget(agent: "fence_ipmilan", options: [:], password: "a\nb"),
    ])
    func invalidTargets(_ target: FenceAgentTarget) async {
        await #expect(throws: FenceAgentError.self) { _ = try await Self.runner.status(target) }
    }

    @Test("an agent that exits without reading its input fails alone: the broken pipe does not end this process")
    func agentExitsBeforeReading() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("agents-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let agent = directory.appendingPathComponent("fence_broken")
        try "#!/bin/sh\nexit 1\n".write(to: agent, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: agent.path)
        // More input than a pipe holds, so the write is still going on when the agent is gone.
        let target = FenceAgentTarget(agent: "fence_broken", options: ["pad": String(repeating: "x", count: 300_000)])
        await #expect(throws: FenceAgentError.failed(action: .status, status: 1, output: "")) {
            _ = try await FenceAgentRunner(directory: directory, timeout: .seconds(10)).status(target)
        }
    }

    @Test("a missing agent is named; the description masks the password")
    func missingAgentAndDescription() async {
        let target = FenceAgentTarget(agent: "fence_nonexistent", options: ["ip": "10.0.0.1"], password: "hunter2")
        await #expect(throws: FenceAgentError.agentNotFound("fence_nonexistent")) { _ = try await Self.runner.status(target) }
        #expect(target.description == "fence_nonexistent ip=10.0.0.1 password=***")
    }
}
