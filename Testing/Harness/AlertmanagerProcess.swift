import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A real Alertmanager (Debian `prometheus-alertmanager`) on a free loopback port, alone (no
/// cluster), its data in a temporary directory: the relay's tests and the demo deliver to it and
/// read back through its v2 API what it holds. `stop()` and `start()` keep the port and data, so
/// a test can take it away mid-burst and bring it back.
public final class AlertmanagerProcess: Sendable {
    public let port: Int
    public let workDirectory: URL
    private let executable: URL
    private let state = LockedProcess()

    public var url: String { "http://127.0.0.1:\(port)" }

    /// The process id while it runs (for a reaper that must kill it if the test process dies).
    public var processIdentifier: Int32? { state.processIdentifier }

    /// Starts Alertmanager with a route to a receiver that sends nothing (the tests read its API),
    /// and waits until its API answers.
    public static func start() async throws -> AlertmanagerProcess {
        let manager = try AlertmanagerProcess(port: FreePort.loopback())
        try await manager.start()
        return manager
    }

    private init(port: Int) throws {
        self.port = port
        self.executable = try Self.executable()
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("podguard-alertmanager-\(port)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: work.appendingPathComponent("data"), withIntermediateDirectories: true)
        self.workDirectory = work
        let config = """
            route:
              receiver: "null"
              group_by: ["alertname", "node"]
              group_wait: 1s
              group_interval: 1s
              repeat_interval: 1h
            receivers:
              - name: "null"

            """
        try config.write(to: work.appendingPathComponent("alertmanager.yml"), atomically: true, encoding: .utf8)
    }

    /// The `prometheus-alertmanager` executable (Debian's name; upstream's is `alertmanager`).
    public static func executable() throws -> URL {
        let candidates = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init) + ["/usr/bin"]
        for directory in candidates {
            for name in ["prometheus-alertmanager", "alertmanager"] {
                let path = URL(fileURLWithPath: directory).appendingPathComponent(name)
                if FileManager.default.isExecutableFile(atPath: path.path) { return path }
            }
        }
        throw HarnessError.executableNotFound("prometheus-alertmanager", hint: "run `make setup` (apt-get install prometheus-alertmanager)")
    }

    private var logFile: URL { workDirectory.appendingPathComponent("alertmanager.log") }

    /// The process's output (its log).
    public func log() -> String {
        (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
    }

    /// Starts (again) on the same port and data, and waits until `/-/ready` answers.
    public func start() async throws {
        guard state.processIdentifier == nil else { return }
        if !FileManager.default.fileExists(atPath: logFile.path) { FileManager.default.createFile(atPath: logFile.path, contents: nil) }
        let output = try FileHandle(forWritingTo: logFile)
        output.seekToEndOfFile()
        let process = Process()
        process.executableURL = executable
        process.arguments = [
            "--config.file=\(workDirectory.appendingPathComponent("alertmanager.yml").path)",
            "--storage.path=\(workDirectory.appendingPathComponent("data").path)",
            "--web.listen-address=127.0.0.1:\(port)",
            // Alone: no gossip port, nothing on other addresses.
            "--cluster.listen-address=",
        ]
        process.currentDirectoryURL = workDirectory
        process.standardOutput = output
        process.standardError = output
        try process.run()
        state.set(process)
        if try await process.becomesReady(within: .seconds(20), { [port] in FreePort.accepts(port: port) }) { return }
        stop()
        throw HarnessError.didNotStart("Alertmanager on \(url)", log: log())
    }

    /// Stops the process (SIGTERM, waits); its data stays.
    public func stop() {
        guard let process = state.take() else { return }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// Stops it and deletes its directory.
    public func remove() {
        stop()
        try? FileManager.default.removeItem(at: workDirectory)
    }

    deinit {
        remove()
    }

    /// One alert as `GET /api/v2/alerts` returns it.
    public struct Alert: Decodable, Sendable {
        public var labels: [String: String]
        public var annotations: [String: String]
        public var startsAt: String
        public var endsAt: String
        public var status: Status
        public struct Status: Decodable, Sendable { public var state: String }
    }

    /// The alerts Alertmanager holds that have not ended (its API lists no resolved alert).
    public func activeAlerts() async throws -> [Alert] {
        guard let endpoint = URL(string: "\(url)/api/v2/alerts") else { return [] }
        let (data, _) = try await URLSession.shared.data(from: endpoint)
        return try JSONDecoder().decode([Alert].self, from: data)
    }
}
