import Foundation

/// Splits a watch body into lines (one JSON event each). Chunks do not align with lines: an
/// event can span chunks and a chunk can hold several events.
public struct WatchLineSplitter: Sendable {
    private var buffer = Data()
    /// A single event larger than this means a broken stream (objects are limited to ~1.5 MB).
    public let maximumLineLength: Int

    public init(maximumLineLength: Int = 16 * 1024 * 1024) {
        self.maximumLineLength = maximumLineLength
    }

    /// Adds a chunk; returns the complete lines it finished (without `\n`, empty lines skipped).
    public mutating func append(_ chunk: Data) throws -> [Data] {
        buffer.append(chunk)
        var lines: [Data] = []
        while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
            let line = buffer[buffer.startIndex..<newline]
            if !line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) { lines.append(Data(line)) }
            buffer = Data(buffer[buffer.index(after: newline)...])
        }
        if buffer.count > maximumLineLength {
            throw KubeError.decoding("watch event longer than \(maximumLineLength) bytes")
        }
        return lines
    }

    /// What is left when the stream ends (a last event without a newline).
    public mutating func finish() -> Data? {
        defer { buffer = Data() }
        return buffer.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") }) ? nil : buffer
    }
}
