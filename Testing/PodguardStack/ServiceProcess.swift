import AsyncHTTPClient
public import Contracts
import NIOCore
import NIOHTTP1
import Foundation
import Harness
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Which podguard process a handle is: the service and, where there are several, what tells them
/// apart (replica, node, family).
public struct ServiceID: Sendable, Hashable, CustomStringConvertible, Comparable {
    public enum Role: String, Sendable, Hashable, CaseIterable {
        case watcher, arrayProber = "array-prober", decision, fencing, nodeCleanup = "node-cleanup"
        case controllerAdapter = "adapter-controller", nodeAdapter = "adapter-node"
        case statefulCluster = "statefulcluster"
        case alertRelay = "alert-relay"

        /// Who a process of this role is on the bus; nil for the StatefulCluster controller (not on
        /// the bus). Adapters' qualifiers name their family (`powerflex`, `powerflex@node`).
        public func busPrincipal(qualifier: String) -> BusPrincipal? {
            let family = { PodguardSubjects.family(fromToken: Self.familyToken(qualifier)) ?? .unspecified }
            switch self {
            case .watcher: return .watcher
            case .arrayProber: return .arrayProber
            case .decision: return .decision
            case .fencing: return .fencing
            case .nodeCleanup: return .nodeCleanup
            case .controllerAdapter: return .controllerAdapter(family())
            case .nodeAdapter: return .nodeAdapter(family())
            case .statefulCluster: return nil
            case .alertRelay: return .alertRelay
            }
        }

        /// An adapter's family in its qualifier (`powerflex`, `powerflex@node`).
        static func familyToken(_ qualifier: String) -> String {
            String(qualifier.prefix { $0 != "@" })
        }

        /// Whether processes of this role call the Kubernetes API.
        public var usesKubernetes: Bool {
            switch self {
            case .watcher, .fencing, .nodeCleanup, .statefulCluster: true
            case .arrayProber, .decision, .controllerAdapter, .nodeAdapter, .alertRelay: false
            }
        }

        /// The chart's name for the service (its ConfigMap is `<release>-<name>`).
        public func chartService(qualifier: String) -> String {
            switch self {
            case .controllerAdapter: return "adapter-\(Self.familyToken(qualifier))-controller"
            case .nodeAdapter: return "adapter-\(Self.familyToken(qualifier))-node"
            default: return rawValue
            }
        }
    }

    public var role: Role
    /// Replica name (`decision-1`), node name, family, or `family@node` for node adapters.
    public var qualifier: String

    public init(_ role: Role, _ qualifier: String) {
        self.role = role
        self.qualifier = qualifier
    }

    public var description: String { "\(role.rawValue)[\(qualifier)]" }
    public static func < (lhs: ServiceID, rhs: ServiceID) -> Bool { lhs.description < rhs.description }
}

/// One podguard service running as its own OS process from the build products directory, its
/// stdout and stderr appended to a log file. Kill (SIGKILL), stop (SIGTERM) and restart it at will;
/// ``isReady()`` asks its `/readyz` on the port it announced (`--http.port 0`).
public final class ServiceProcess: Sendable {
    public let id: ServiceID
    public let executable: URL
    public let arguments: [String]
    /// Variables set for the process on top of the runner's (whose PODGUARD_* and Kubernetes
    /// variables never leak in: the flags are the configuration).
    public let environment: [String: String]
    public let logFile: URL
    private let state = Mutex<State>(State())
    private let pidRegistry: PIDRegistry

    struct State {
        var pid: pid_t?
        /// Log size when the current incarnation started: its port line comes after it.
        var logOffset: UInt64 = 0
        var port: Int?
        var starts = 0
        var startedAt: ContinuousClock.Instant?
        var exitStatuses: [Int32] = []
    }

    public init(id: ServiceID, executable: URL, arguments: [String], environment: [String: String] = [:],
                logFile: URL, pidRegistry: PIDRegistry) {
        self.id = id
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.logFile = logFile
        self.pidRegistry = pidRegistry
    }

    public var pid: pid_t? { state.withLock { $0.pid } }
    public var isRunning: Bool { state.withLock { $0.pid != nil } }
    /// How many times it was started.
    public var starts: Int { state.withLock { $0.starts } }
    /// When the current (or last) incarnation was started.
    public var startedAt: ContinuousClock.Instant? { state.withLock { $0.startedAt } }

    /// Starts the process (again, after a kill or stop). Its output is appended to ``logFile``.
    public func start() throws {
        guard !isRunning else { return }
        if !FileManager.default.fileExists(atPath: logFile.path) {
            FileManager.default.createFile(atPath: logFile.path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: logFile)
        defer { try? handle.close() }
        let offset = try handle.seekToEnd()
        let banner = "=== \(Date()) start \(id) ===\n"
        handle.write(Data(banner.utf8))
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        // The flags are the configuration: nothing from the test runner's environment leaks in.
        process.environment = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("PODGUARD_") && $0.key != "KUBECONFIG" && $0.key != "NODE_NAME" && $0.key != "KUBE_NODE_NAME"
        }.merging(environment) { _, given in given }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let pid = process.processIdentifier
        pidRegistry.add(pid)
        state.withLock {
            $0.pid = pid
            $0.logOffset = offset + UInt64(banner.utf8.count)
            $0.port = nil
            $0.starts += 1
            $0.startedAt = .now
        }
    }

    /// SIGKILL: the process dies at once, mid-work; nothing is handed back.
    public func kill() {
        signalAndReap(SIGKILL)
    }

    /// SIGTERM and wait for the exit (a graceful shutdown); SIGKILL after `timeout`.
    public func stop(timeout: Duration = .seconds(20)) {
        guard let pid else { return }
        Glibc.kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid || (result == -1 && errno == ECHILD) {
                finished(pid, status: result == pid ? status : -1)
                return
            }
            usleep(20_000)
        }
        signalAndReap(SIGKILL)
    }

    /// Kill (SIGKILL) and start again.
    public func restart() throws {
        kill()
        try start()
    }

    private func signalAndReap(_ signal: Int32) {
        guard let pid else { return }
        Glibc.kill(pid, signal)
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, 0)
            if result == pid { break }
            if result == -1, errno == EINTR { continue }
            status = -1
            break
        }
        finished(pid, status: status)
    }

    private func finished(_ pid: pid_t, status: Int32) {
        pidRegistry.remove(pid)
        state.withLock { state in
            if state.pid == pid { state.pid = nil }
            state.exitStatuses.append(status)
        }
    }

    /// True if the process exited by itself (it was not stopped through this handle).
    public var exitedUnexpectedly: Bool {
        guard let pid else { return false }
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == pid || (result == -1 && errno == ECHILD) {
            finished(pid, status: result == pid ? status : -1)
            return true
        }
        return false
    }

    /// The operations port of the current incarnation, once it announced it in its log.
    public var operationsPort: Int? {
        if let port = state.withLock({ $0.port }) { return port }
        let offset = state.withLock { $0.logOffset }
        guard let handle = try? FileHandle(forReadingFrom: logFile) else { return nil }
        defer { try? handle.close() }
        try? handle.seek(toOffset: offset)
        let text = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        let marker = "listening on 127.0.0.1:"
        guard let range = text.range(of: marker) else { return nil }
        let digits = text[range.upperBound...].prefix { $0.isNumber }
        guard let port = Int(digits) else { return nil }
        state.withLock { $0.port = port }
        return port
    }

    /// `GET /readyz` answered 200.
    public func isReady() async -> Bool {
        guard isRunning, let port = operationsPort else { return false }
        do {
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/readyz"),
                                                               timeout: .seconds(2))
            _ = try await response.body.collect(upTo: 1 << 20)
            return response.status.code == 200
        } catch {
            return false
        }
    }

    /// The body of `GET /metrics` (empty when not reachable).
    public func metrics() async -> String {
        guard isRunning, let port = operationsPort else { return "" }
        do {
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics"),
                                                               timeout: .seconds(2))
            return String(buffer: try await response.body.collect(upTo: 8 << 20))
        } catch {
            return ""
        }
    }

    /// The whole log (every incarnation).
    public var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// The last `lines` lines of the log.
    public func logTail(lines: Int = 40) -> String {
        log.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }
}

/// The pids of every process a stack started, in a file a reaper reads: if the test process dies
/// without stopping the stack (a crash, a signal), the reaper SIGKILLs them, so no service outlives it.
public final class PIDRegistry: Sendable {
    let file: URL
    private let pids = Mutex<Set<pid_t>>([])

    public init(file: URL) {
        self.file = file
    }

    public func add(_ pid: pid_t) { update { $0.insert(pid) } }
    public func remove(_ pid: pid_t) { update { $0.remove(pid) } }

    private func update(_ change: (inout Set<pid_t>) -> Void) {
        pids.withLock { set in
            change(&set)
            let text = set.sorted().map(String.init).joined(separator: "\n") + "\n"
            try? text.write(to: file, atomically: true, encoding: .utf8)
        }
    }

    /// Starts the reaper: a detached shell in its own session that waits for this process to end,
    /// then kills the pids listed in the file. Returns its pid (kill it on a clean stop).
    public func startReaper() -> pid_t? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
        let script = "while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done; "
            + "for p in $(cat \"$1\" 2>/dev/null); do kill -9 \"$p\" 2>/dev/null; done"
        process.arguments = ["bash", "-c", script, "reaper", file.path]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        process.reapInBackground()
        return process.processIdentifier
    }
}
