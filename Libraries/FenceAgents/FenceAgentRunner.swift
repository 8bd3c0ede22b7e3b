public import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs ClusterLabs fence agents (Debian `fence-agents`) to read and switch a node's power.
///
/// Each call starts the agent as a child process with its options on standard input, waits on a
/// thread of its own (a BMC can take seconds; the cooperative pool is not held) and kills it after
/// `timeout`. `powerOffConfirmed` is the one podguard acts on: off, then status until the agent
/// reports OFF — an agent's "Success" alone is not proof.
public struct FenceAgentRunner: Sendable {
    /// Where the agents are installed (Debian: /usr/sbin).
    public var directory: URL
    /// The longest one agent call may take (an IPMI agent retries for up to 20 s by default).
    public var timeout: Duration

    public init(directory: URL = URL(fileURLWithPath: "/usr/sbin"), timeout: Duration = .seconds(60)) {
        self.directory = directory
        self.timeout = timeout
    }

    /// The node's power as the agent reports it.
    public func status(_ target: FenceAgentTarget) async throws(FenceAgentError) -> PowerState {
        let output = try await run(.status, target)
        // fence-agents print "Status: ON" / "Status: OFF".
        for line in output.split(whereSeparator: \.isNewline) {
            let words = line.lowercased().split(separator: " ")
            guard words.count == 2, words[0] == "status:" else { continue }
            if words[1] == "on" { return .on }
            if words[1] == "off" { return .off }
        }
        throw .unknownStatus(output: target.redacting(output))
    }

    /// Powers the node off and confirms it: `off` (the agent itself waits up to its `power_timeout`
    /// for the BMC to report OFF, and fails otherwise), then `status` up to `attempts` times
    /// `interval` apart until OFF. Returns when OFF is confirmed; throws otherwise.
    public func powerOffConfirmed(_ target: FenceAgentTarget, attempts: Int = 5,
                                  interval: Duration = .seconds(2)) async throws(FenceAgentError) {
        _ = try await run(.off, target)
        var last: PowerState?
        for attempt in 0..<max(1, attempts) {
            if attempt > 0 { try? await Task.sleep(for: interval) }
            last = try? await status(target)
            if last == .off { return }
        }
        throw .offNotConfirmed(lastStatus: last)
    }

    /// Powers the node on (a node fenced off is started again by the operator, or by podguard when
    /// the ladder says so).
    public func powerOn(_ target: FenceAgentTarget) async throws(FenceAgentError) {
        _ = try await run(.on, target)
    }

    /// Runs `action`; returns the agent's output (password masked) when it exits 0.
    public func run(_ action: FenceAgentAction, _ target: FenceAgentTarget) async throws(FenceAgentError) -> String {
        let target = try target.validated()
        let executable = directory.appendingPathComponent(target.agent)
        guard FileManager.default.isExecutableFile(atPath: executable.path) else { throw .agentNotFound(target.agent) }
        let input = target.standardInput(action: action)
        let timeout = self.timeout
        let finished: AgentProcess.Outcome
        do {
            finished = try await AgentProcess.run(executable, input: input, timeout: timeout)
        } catch {
            throw .failed(action: action, status: -1, output: target.redacting("\(error)"))
        }
        let output = target.redacting(finished.output.trimmingCharacters(in: .whitespacesAndNewlines))
        if finished.timedOut { throw .timedOut(action: action, after: timeout) }
        // The agents' exit codes: 0 success; for status 0 is ON and 2 is OFF (the output says which).
        let answered = finished.status == 0 || (action == .status && finished.status == 2)
        guard answered else { throw .failed(action: action, status: finished.status, output: Self.lastLines(output)) }
        return output
    }

    /// The end of an agent's output: what it says last is why it failed.
    static func lastLines(_ output: String, count: Int = 3) -> String {
        output.split(whereSeparator: \.isNewline).filter { !$0.contains("DeprecationWarning") && !$0.contains("from pipes") }
            .suffix(count).joined(separator: " | ")
    }
}

/// One agent run: a child process fed `input` on standard input, its output in a private file,
/// waited for on its own thread and killed at the deadline.
enum AgentProcess {
    struct Outcome: Sendable {
        var status: Int32
        var output: String
        var timedOut: Bool
    }

    /// A write to an agent that already exited would raise SIGPIPE and end this process: ignored
    /// once, process-wide, so it becomes an EPIPE error on that write.
    private static let ignoreBrokenPipes: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    static func run(_ executable: URL, input: String, timeout: Duration) async throws -> Outcome {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("podguard-fence-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: directory) }
        let logFile = directory.appendingPathComponent("output")
        FileManager.default.createFile(atPath: logFile.path, contents: nil, attributes: [.posixPermissions: 0o600])
        let (status, timedOut): (Int32, Bool) = try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                do {
                    let output = try FileHandle(forWritingTo: logFile)
                    defer { try? output.close() }
                    let stdin = Pipe()
                    let process = Process()
                    process.executableURL = executable
                    process.arguments = []
                    process.standardInput = stdin
                    process.standardOutput = output
                    process.standardError = output
                    _ = ignoreBrokenPipes
                    try process.run()
                    // An agent that exits before reading its input fails on its own; the write
                    // must not fail the service with it (EPIPE, not SIGPIPE, see above).
                    try? stdin.fileHandleForWriting.write(contentsOf: Data(input.utf8))
                    try? stdin.fileHandleForWriting.close()
                    continuation.resume(returning: wait(for: process, timeout: timeout))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
        let text = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        return Outcome(status: status, output: text, timedOut: timedOut)
    }

    /// Waits for the child; SIGKILLs it at the deadline. Returns its exit status (128 + signal when
    /// killed) and whether the deadline struck.
    private static func wait(for process: Process, timeout: Duration) -> (Int32, Bool) {
        let pid = process.processIdentifier
        let deadline = ContinuousClock.now + timeout
        var status: Int32 = 0
        var killed = false
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid {
                // WIFEXITED: low 7 bits zero, exit code in the next 8; a signal counts as failure.
                let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
                return (code, killed)
            }
            if result == -1, errno == ECHILD {
                // Foundation reaped it first: its status is then Process's.
                while process.isRunning { usleep(10_000) }
                return (process.terminationStatus, killed)
            }
            if !killed, ContinuousClock.now >= deadline {
                kill(pid, SIGKILL)
                killed = true
            }
            usleep(20_000)
        }
    }
}
