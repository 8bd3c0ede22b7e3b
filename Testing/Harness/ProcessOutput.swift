import Foundation

/// Reading what a launched process writes.
public enum ProcessOutput {
    /// The first complete line written to `pipe` that contains `text` (log lines may come before
    /// it), without its newline; all output when the pipe closes first. Reads on a detached task:
    /// the read blocks.
    public static func line(of pipe: Pipe, containing text: String) async -> String {
        await Task.detached {
            var output = ""
            while true {
                let chunk = pipe.fileHandleForReading.availableData
                if chunk.isEmpty { return output }
                output += String(decoding: chunk, as: UTF8.self)
                let complete = output.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
                if let line = complete.first(where: { $0.contains(text) }) { return String(line) }
            }
        }.value
    }
}
