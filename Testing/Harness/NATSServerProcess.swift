import Foundation

/// A real `nats-server` (Debian's package) on a free loopback port, with JetStream storing into a
/// temporary directory, for tests, benchmarks and the demo.
///
/// `restart()` keeps the port and the JetStream store, so a test can prove that clients reconnect
/// and that acknowledged JetStream messages survive the restart.
public final class NATSServerProcess: Sendable {
    public let port: Int
    public let storeDirectory: URL
    public let jetStream: Bool
    private let workDirectory: URL
    private let executable: URL
    private let state = LockedProcess()

    public var url: String { "nats://127.0.0.1:\(port)" }

    /// The server's process id while it runs (for a reaper that must kill it if the test process dies).
    public var processIdentifier: Int32? { state.processIdentifier }

    /// Starts a server and waits until it accepts connections.
    public static func start(jetStream: Bool = true, port: Int? = nil) async throws -> NATSServerProcess {
        let server = try NATSServerProcess(jetStream: jetStream, port: port ?? FreePort.loopback())
        try await server.launch()
        return server
    }

    private init(jetStream: Bool, port: Int) throws {
        self.port = port
        self.jetStream = jetStream
        self.executable = try Self.findExecutable()
        let work = FileManager.default.temporaryDirectory
            .appendingPathComponent("podguard-nats-\(port)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        self.workDirectory = work
        self.storeDirectory = work.appendingPathComponent("jetstream")
        var config = "listen: 127.0.0.1:\(port)\nmax_payload: 8MB\n"
        if jetStream { config += "jetstream { store_dir: \"\(storeDirectory.path)\" }\n" }
        try config.write(to: work.appendingPathComponent("nats.conf"), atomically: true, encoding: .utf8)
    }

    private static func findExecutable() throws -> URL {
        let candidates = (ProcessInfo.processInfo.environment["PATH"] ?? "")
            .split(separator: ":").map(String.init) + ["/usr/bin", "/usr/sbin", "/usr/local/bin"]
        for directory in candidates {
            let path = URL(fileURLWithPath: directory).appendingPathComponent("nats-server")
            if FileManager.default.isExecutableFile(atPath: path.path) { return path }
        }
        throw HarnessError.executableNotFound("nats-server", hint: "run `make setup` (apt-get install nats-server)")
    }

    private var logFile: URL { workDirectory.appendingPathComponent("nats.log") }

    private func launch() async throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = ["-c", workDirectory.appendingPathComponent("nats.conf").path, "-l", logFile.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        state.set(process)
        // Ready when the port accepts a TCP connection; JetStream is ready once the server listens.
        if try await process.becomesReady({ Self.accepts(port: port) }) { return }
        let log = (try? String(contentsOf: logFile, encoding: .utf8)) ?? "(no log)"
        stopProcess()
        throw HarnessError.didNotStart("nats-server on 127.0.0.1:\(port)", log: log)
    }

    /// Stops the server (SIGTERM, then waits) without deleting its JetStream store.
    public func stopProcess() {
        guard let process = state.take() else { return }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// Stops and starts the server on the same port with the same store.
    public func restart(downtime: Duration = .milliseconds(200)) async throws {
        stopProcess()
        try await Task.sleep(for: downtime)
        try await launch()
    }

    /// Stops the server and deletes its directory.
    public func stop() {
        stopProcess()
        try? FileManager.default.removeItem(at: workDirectory)
    }

    deinit {
        stop()
    }

    private static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
