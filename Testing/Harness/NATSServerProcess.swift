import Foundation

/// A real `nats-server` (Debian's package) on a free loopback port, with JetStream storing into a
/// temporary directory, for tests, benchmarks and the demo; optionally with accounts and
/// permissions, TLS with client certificates, and as one member of a cluster (`NATSCluster`).
///
/// `restart()` keeps the port and the JetStream store, so a test can prove that clients reconnect
/// and that acknowledged JetStream messages survive the restart.
public final class NATSServerProcess: Sendable {
    /// What to put into the server's configuration beyond the listener and JetStream.
    public struct Options: Sendable {
        public var jetStream = true
        public var port: Int?
        /// An `accounts { ... }` block (`NATSAuthorization.accountsBlock()`); nil: no authentication.
        public var accounts: String?
        /// Server TLS; clients must present a certificate the CA signed.
        public var tls: TestCertificates?
        /// Cluster membership: this server's name, its route port and every member's route port.
        public var cluster: Cluster?

        public struct Cluster: Sendable {
            public var name: String
            public var serverName: String
            public var routePort: Int
            public var routes: [Int]

            public init(name: String, serverName: String, routePort: Int, routes: [Int]) {
                self.name = name
                self.serverName = serverName
                self.routePort = routePort
                self.routes = routes
            }
        }

        public init(jetStream: Bool = true, port: Int? = nil, accounts: String? = nil, tls: TestCertificates? = nil,
                    cluster: Cluster? = nil) {
            self.jetStream = jetStream
            self.port = port
            self.accounts = accounts
            self.tls = tls
            self.cluster = cluster
        }
    }

    public let port: Int
    public let storeDirectory: URL
    public let jetStream: Bool
    public let usesTLS: Bool
    /// `server_name` as a cluster member (how JetStream names a stream's leader).
    public let serverName: String?
    private let workDirectory: URL
    private let executable: URL
    private let state = LockedProcess()

    public var url: String { "\(usesTLS ? "tls" : "nats")://127.0.0.1:\(port)" }

    /// The server's process id while it runs (for a reaper that must kill it if the test process dies).
    public var processIdentifier: Int32? { state.processIdentifier }

    /// Starts a server and waits until it accepts connections.
    public static func start(jetStream: Bool = true, port: Int? = nil) async throws -> NATSServerProcess {
        try await start(Options(jetStream: jetStream, port: port))
    }

    /// Starts a server with these options and waits until it accepts connections.
    public static func start(_ options: Options) async throws -> NATSServerProcess {
        let server = try NATSServerProcess(options, port: options.port ?? FreePort.loopback())
        try await server.launch()
        return server
    }

    /// A server not started yet (cluster members start together: each waits for its routes).
    public static func prepare(_ options: Options) throws -> NATSServerProcess {
        try NATSServerProcess(options, port: options.port ?? FreePort.loopback())
    }

    private init(_ options: Options, port: Int) throws {
        self.port = port
        self.jetStream = options.jetStream
        self.usesTLS = options.tls != nil
        self.serverName = options.cluster?.serverName
        self.executable = try Self.executable()
        let work = FileManager.default.temporaryDirectory
            .appendingPathComponent("podguard-nats-\(port)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        self.workDirectory = work
        self.storeDirectory = work.appendingPathComponent("jetstream")
        var config = "listen: 127.0.0.1:\(port)\nmax_payload: 8MB\n"
        if let cluster = options.cluster {
            config += "server_name: \(cluster.serverName)\n"
            config += "cluster {\n  name: \(cluster.name)\n  listen: 127.0.0.1:\(cluster.routePort)\n"
            config += "  routes: [" + cluster.routes.map { "\"nats-route://127.0.0.1:\($0)\"" }.joined(separator: ", ") + "]\n}\n"
        }
        if options.jetStream { config += "jetstream { store_dir: \"\(storeDirectory.path)\" }\n" }
        if let tls = options.tls {
            config += """
            tls {
              cert_file: "\(tls.serverCertificate.path)"
              key_file: "\(tls.serverKey.path)"
              ca_file: "\(tls.authority.path)"
              verify: true
              timeout: 5
            }

            """
        }
        if let accounts = options.accounts {
            try accounts.write(to: work.appendingPathComponent("accounts.conf"), atomically: true, encoding: .utf8)
            config += "include ./accounts.conf\n"
        }
        try config.write(to: work.appendingPathComponent("nats.conf"), atomically: true, encoding: .utf8)
    }

    /// The server's log (permission violations are logged here, naming user and subject).
    public func log() -> String {
        (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
    }

    /// The `nats-server` executable on PATH (or Debian's place).
    public static func executable() throws -> URL {
        let candidates = (ProcessInfo.processInfo.environment["PATH"] ?? "")
            .split(separator: ":").map(String.init) + ["/usr/bin", "/usr/sbin", "/usr/local/bin"]
        for directory in candidates {
            let path = URL(fileURLWithPath: directory).appendingPathComponent("nats-server")
            if FileManager.default.isExecutableFile(atPath: path.path) { return path }
        }
        throw HarnessError.executableNotFound("nats-server", hint: "run `make setup` (apt-get install nats-server)")
    }

    private var logFile: URL { workDirectory.appendingPathComponent("nats.log") }

    /// Starts the prepared process and waits until it accepts connections.
    public func launch() async throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = ["-c", workDirectory.appendingPathComponent("nats.conf").path, "-l", logFile.path]
        process.currentDirectoryURL = workDirectory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        state.set(process)
        // Ready when the port accepts a TCP connection; JetStream is ready once the server listens.
        if try await process.becomesReady({ FreePort.accepts(port: port) }) { return }
        let log = (try? String(contentsOf: logFile, encoding: .utf8)) ?? "(no log)"
        stopProcess()
        throw HarnessError.didNotStart("nats-server on 127.0.0.1:\(port)", log: log)
    }

    /// Kills the server at once (SIGKILL), without deleting its JetStream store: a crash.
    public func kill() {
        guard let process = state.take() else { return }
        if process.isRunning {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Starts a killed or stopped server again on the same port and store.
    public func start() async throws {
        try await launch()
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
}
