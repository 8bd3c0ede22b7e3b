import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A podguard service executable started as a separate process (the release build product next
/// to `podguard-bench`), its output in a log file; plus what the benchmark samples from outside:
/// `/proc/<pid>/status` (resident memory) and `/proc/<pid>/stat` (CPU time), and `/readyz`.
// @unchecked: every stored property is a `let` set in `init`. The one mutable object, Foundation's
// Process, is configured and started in `init`; afterwards only its `processIdentifier` is read,
// which no longer changes (liveness and signals go through the pid, not the Process).
final class ServiceProcess: @unchecked Sendable {
    let process: Process
    let logFile: URL
    let started: ContinuousClock.Instant

    /// The release build products' directory: where this executable lives.
    static var productsDirectory: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    }

    init(product: String, arguments: [String], environment: [String: String] = [:], logFile: URL) throws {
        let executable = Self.productsDirectory.appendingPathComponent(product)
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw BenchError("\(executable.path) not found: build it (swift build -c release --product \(product))")
        }
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let output = try FileHandle(forWritingTo: logFile)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        // The benchmark's own PODGUARD_* variables must not configure the service.
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PODGUARD_") }
            .merging(environment) { _, given in given }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = output
        self.process = process
        self.logFile = logFile
        self.started = ContinuousClock.now
        try process.run()
        try? output.close()
        Self.killWhenBenchmarkEnds(pid: process.processIdentifier, executable: executable.path)
    }

    /// A detached reaper that SIGKILLs the service once this process is gone (killed before it
    /// could stop it), if that pid still runs the same executable.
    private static func killWhenBenchmarkEnds(pid: Int32, executable: String) {
        let reaper = Process()
        reaper.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
        let script = "while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done; "
            + "[ \"$(readlink /proc/$1/exe 2>/dev/null)\" = \"$2\" ] && kill -9 \"$1\"; exit 0"
        reaper.arguments = ["bash", "-c", script, "reaper", "\(pid)", executable]
        reaper.standardInput = FileHandle.nullDevice
        reaper.standardOutput = FileHandle.nullDevice
        reaper.standardError = FileHandle.nullDevice
        try? reaper.run()
    }

    var pid: Int32 { process.processIdentifier }

    /// Whether the process still runs. Reaps it directly (Foundation's own reaping was seen
    /// never happening in the harness); -1/ECHILD means Foundation reaped it first.
    var isRunning: Bool {
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        return result == 0
    }

    /// SIGTERM, up to `grace` to exit, then SIGKILL. Idempotent.
    func stop(grace: Duration = .seconds(10)) {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + grace
        while isRunning, ContinuousClock.now < deadline { usleep(20_000) }
        if isRunning {
            kill(pid, SIGKILL)
            while isRunning { usleep(20_000) }
        }
    }

    struct Memory {
        /// VmRSS: resident now.
        var residentBytes: Int
        /// VmHWM: the kernel's peak of VmRSS since the process started.
        var peakResidentBytes: Int
    }

    func memory() -> Memory? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        var memory = Memory(residentBytes: 0, peakResidentBytes: 0)
        for line in text.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2, let kilobytes = Int(fields[1]) else { continue }
            if fields[0] == "VmRSS:" { memory.residentBytes = kilobytes * 1024 }
            if fields[0] == "VmHWM:" { memory.peakResidentBytes = kilobytes * 1024 }
        }
        return memory
    }

    /// User + system CPU seconds used so far.
    func cpuSeconds() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        // Fields after the command name: state is field 3; utime, stime are fields 14, 15.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// The status code of `GET http://127.0.0.1:<port><path>` (nil: no answer within a second).
    static func httpStatus(port: Int, path: String) -> Int? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { Glibc.close(fd) }
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        guard send(fd, request, request.count, 0) == request.count else { return nil }
        var buffer = [UInt8](repeating: 0, count: 64)
        let received = recv(fd, &buffer, buffer.count, 0)
        guard received > 12 else { return nil }
        // "HTTP/1.1 200 ..."
        let statusLine = String(decoding: buffer[0..<received], as: UTF8.self)
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        return parts.count >= 2 ? Int(parts[1]) : nil
    }
}
