import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What a benchmark samples of a running service from outside: `/proc/<pid>/status` (resident
/// memory), `/proc/<pid>/stat` (CPU time) and `/proc/<pid>/fd` (open file descriptors).
extension ServiceProcess {
    public struct Memory: Sendable {
        /// VmRSS: resident now.
        public var residentBytes: Int
        /// VmHWM: the kernel's peak of VmRSS since the process started.
        public var peakResidentBytes: Int
    }

    public func memory() -> Memory? {
        guard let pid, let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
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
    public func cpuSeconds() -> Double? {
        guard let pid, let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        // Fields after the command name: state is field 3; utime, stime are fields 14, 15.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// File descriptors open now (sockets, files, pipes, eventfds).
    public func openFileDescriptors() -> Int? {
        guard let pid, let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd") else { return nil }
        return entries.count
    }
}
