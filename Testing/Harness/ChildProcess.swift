import Foundation

/// Runs a short-lived child process to completion without blocking the cooperative pool.
///
/// Waiting for a child (or reading its pipe to end-of-file) inside an async test holds one of
/// the pool's threads — on a 2-core machine, half of all async work — for as long as the child
/// runs. Under a full parallel test run that stalled gRPC calls of unrelated suites past their
/// deadlines. The wait happens on a thread of its own instead; output goes through a file.
public enum ChildProcess {
    public struct Result: Sendable {
        public var status: Int32
        /// Standard output and standard error, interleaved.
        public var output: String
    }

    public static func run(_ executable: URL, _ arguments: [String], environment: [String: String]? = nil,
                           currentDirectory: URL? = nil) async throws -> Result {
        let logFile = FileManager.default.temporaryDirectory.appendingPathComponent("podguard-child-\(UUID().uuidString.prefix(8)).log")
        FileManager.default.createFile(atPath: logFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: logFile) }
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                do {
                    let output = try FileHandle(forWritingTo: logFile)
                    defer { try? output.close() }
                    let process = Process()
                    process.executableURL = executable
                    process.arguments = arguments
                    if let environment { process.environment = environment }
                    if let currentDirectory { process.currentDirectoryURL = currentDirectory }
                    process.standardOutput = output
                    process.standardError = output
                    process.standardInput = FileHandle.nullDevice
                    try process.run()
                    continuation.resume(returning: KubeControlPlane.wait(for: process))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
        return Result(status: status, output: (try? String(contentsOf: logFile, encoding: .utf8)) ?? "")
    }
}
