import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A real Kubernetes control plane (etcd, kube-apiserver, controller-manager, scheduler) on free
/// loopback ports, started by `scripts/control-plane/up.sh` in a fresh temporary directory. The
/// version is `PODGUARD_KUBE_VERSION` (`make test` runs the suites on 1.28 and the end-to-end
/// suite on 1.20 too); its binaries must already be in the cache (`make control-plane`).
///
/// Startup costs ~10 s, so tests share one per test process (``shared()``), each test in its own
/// namespace; a test that needs special settings (watch cache off, for deterministic 410s) starts
/// its own with ``start(watchCache:extraEnvironment:)`` and stops it. There are no kubelets: pods
/// stay Pending unless a test binds them and plays the kubelet.
public final class KubeControlPlane: Sendable {
    public let stateDirectory: URL
    /// Everything `up.sh` wrote into `<state-dir>/env`.
    public let environment: [String: String]
    private let repositoryRoot: URL
    private let stopped = Mutex(false)

    public var apiserverURL: String { environment["PODGUARD_CP_APISERVER_URL"] ?? "" }
    public var kubeconfigPath: String { environment["KUBECONFIG"] ?? "" }
    public var caFile: String { environment["PODGUARD_CP_CA_FILE"] ?? "" }
    public var caKeyFile: String { environment["PODGUARD_CP_CA_KEY_FILE"] ?? "" }
    public var clientCertFile: String { environment["PODGUARD_CP_CLIENT_CERT_FILE"] ?? "" }
    public var clientKeyFile: String { environment["PODGUARD_CP_CLIENT_KEY_FILE"] ?? "" }
    public var apiserverPort: Int { Int(environment["PODGUARD_CP_APISERVER_PORT"] ?? "") ?? 0 }
    public var kubectlPath: String { (environment["PODGUARD_CP_BIN_DIR"] ?? "") + "/kubectl" }
    /// The apiserver's version as `kube-apiserver --version` prints it, e.g. `v1.28.7`.
    public var kubeVersion: String { environment["PODGUARD_CP_KUBE_VERSION"] ?? "" }

    private init(stateDirectory: URL, environment: [String: String], repositoryRoot: URL) {
        self.stateDirectory = stateDirectory
        self.environment = environment
        self.repositoryRoot = repositoryRoot
    }

    /// Starts a control plane of its own (stop it with ``stop()``).
    /// - Parameter watchCache: `false` sends every watch to etcd, so a watch from a compacted
    ///   resourceVersion deterministically gets 410 Gone.
    ///   - kubeVersion: `1.28`, `1.20`, `newest` or `oldest`; `nil` keeps `PODGUARD_KUBE_VERSION`
    ///     (default: the newest in the cache).
    public static func start(watchCache: Bool = true, kubeVersion: String? = nil, extraEnvironment: [String: String] = [:], file: String = #filePath) async throws -> KubeControlPlane {
        let root = try findRepositoryRoot(file: file)
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("podguard-cp-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        var environment = ProcessInfo.processInfo.environment
        environment["PODGUARD_WATCH_CACHE"] = watchCache ? "true" : "false"
        if let kubeVersion { environment["PODGUARD_KUBE_VERSION"] = kubeVersion }
        environment.merge(extraEnvironment) { _, new in new }
        let (status, output) = try await run(root.appendingPathComponent("scripts/control-plane/up.sh").path, [state.path], environment: environment)
        if status == Self.binariesMissingStatus {
            try? FileManager.default.removeItem(at: state)
            throw HarnessError.controlPlaneBinariesMissing(output.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        guard status == 0 else {
            _ = try? await run(root.appendingPathComponent("scripts/control-plane/down.sh").path, [state.path, "--purge"], environment: environment)
            throw HarnessError.didNotStart("control plane (up.sh exit \(status))", log: output)
        }
        let envText = try String(contentsOf: state.appendingPathComponent("env"), encoding: .utf8)
        return KubeControlPlane(stateDirectory: state, environment: parseEnvFile(envText), repositoryRoot: root)
    }

    /// up.sh's exit status when the cache holds no binaries for the version asked for.
    static let binariesMissingStatus: Int32 = 3

    /// Compacts etcd to its current revision (`compact.sh`) and returns that revision.
    @discardableResult
    public func compact() async throws -> Int {
        let (status, output) = try await Self.run(script("compact.sh"), [stateDirectory.path], environment: ProcessInfo.processInfo.environment)
        guard status == 0, let revision = output.split(whereSeparator: \.isNewline).compactMap({ Int($0.trimmingCharacters(in: .whitespaces)) }).last else {
            throw HarnessError.didNotStart("compact.sh (exit \(status))", log: output)
        }
        return revision
    }

    /// Restarts one process in place (`restart.sh`): the same port, certificates and etcd data, so
    /// every running client reaches it again. `component` is `kube-apiserver`,
    /// `kube-controller-manager`, `kube-scheduler` or `etcd`.
    public func restart(_ component: String, downtime: Duration = .zero) async throws {
        let seconds = String(format: "%.3f", Double(downtime.components.seconds) + Double(downtime.components.attoseconds) / 1e18)
        let (status, output) = try await Self.run(script("restart.sh"), [stateDirectory.path, component, "--downtime", seconds],
                                                  environment: ProcessInfo.processInfo.environment)
        guard status == 0 else { throw HarnessError.didNotStart("\(component) (restart.sh exit \(status))", log: output) }
    }

    /// Stops every process and deletes the state directory (`down.sh --purge`). Idempotent.
    public func stop() {
        let already = stopped.withLock { value in
            defer { value = true }
            return value
        }
        guard !already else { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script("down.sh"), stateDirectory.path, "--purge"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        if (try? process.run()) != nil { _ = Self.wait(for: process) }
    }

    var downScript: String { script("down.sh") }

    private func script(_ name: String) -> String {
        repositoryRoot.appendingPathComponent("scripts/control-plane/\(name)").path
    }

    /// Parses the `export NAME=value` lines of `up.sh`'s env file (values quoted by bash's `%q`).
    public static func parseEnvFile(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for rawLine in text.split(whereSeparator: \.isNewline) {
            var line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("export ") { line.removeFirst("export ".count) }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let name = String(line[..<equals])
            result[name] = unquote(String(line[line.index(after: equals)...]))
        }
        return result
    }

    /// Undoes `printf %q` for the characters it escapes with a backslash, and single quotes.
    static func unquote(_ value: String) -> String {
        if value.hasPrefix("'"), value.hasSuffix("'"), value.count >= 2 { return String(value.dropFirst().dropLast()) }
        var result = ""
        var escaped = false
        for character in value {
            if escaped { result.append(character); escaped = false }
            else if character == "\\" { escaped = true }
            else { result.append(character) }
        }
        return result
    }

    static func findRepositoryRoot(file: String) throws -> URL {
        var candidates = [URL(fileURLWithPath: file).deletingLastPathComponent(), URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        var found: URL?
        while found == nil, !candidates.isEmpty {
            var directory = candidates.removeFirst()
            while directory.path != "/" {
                if FileManager.default.fileExists(atPath: directory.appendingPathComponent("scripts/control-plane/up.sh").path) {
                    found = directory
                    break
                }
                directory = directory.deletingLastPathComponent()
            }
        }
        guard let found else {
            throw HarnessError.executableNotFound("scripts/control-plane/up.sh", hint: "run the tests from the podguard repository")
        }
        return found
    }

    /// Runs a script to completion off the cooperative pool, returning its exit status and output.
    ///
    /// The output goes to a temporary file, not a pipe (``ChildProcess``): the daemons `up.sh`
    /// starts may inherit descriptors, and a pipe would then never reach end-of-file while they run.
    static func run(_ script: String, _ arguments: [String], environment: [String: String]) async throws -> (Int32, String) {
        let result = try await ChildProcess.run(URL(fileURLWithPath: "/bin/bash"), [script] + arguments, environment: environment)
        return (result.status, result.output)
    }

    /// Waits for a child to exit. Foundation's `waitUntilExit()` was seen never returning here
    /// (the child a zombie, never reaped) while the test runner ran, so reap it directly.
    static func wait(for process: Process) -> Int32 {
        var status: Int32 = 0
        while true {
            let result = waitpid(process.processIdentifier, &status, 0)
            if result == process.processIdentifier {
                // WIFEXITED: low 7 bits zero; exit code in the next 8 bits. A signal counts as failure.
                return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            }
            if result == -1, errno == EINTR { continue }
            // Someone else (Foundation) reaped it: its status is then known to Process.
            while process.isRunning { usleep(10_000) }
            return process.terminationStatus
        }
    }

    deinit {
        stop()
    }
}

extension KubeControlPlane {
    /// Chooses the Kubernetes version of every later start in this process that names none (the
    /// `--kube-version` of podguard-demo and podguard-bench): `1.28`, `1.20`, `newest` or `oldest`.
    /// It sets `PODGUARD_KUBE_VERSION`, the variable `up.sh` reads; call it before starting anything.
    public static func selectVersion(_ version: String) {
        setenv("PODGUARD_KUBE_VERSION", version, 1)
    }
}
