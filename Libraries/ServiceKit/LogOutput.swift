#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Shared pieces of the log handlers: the default sink, timestamps and metadata flattening.
enum LogOutput {
    /// Writes a whole line with one `write(2)` call, so lines from concurrent loggers do not
    /// interleave (writes below PIPE_BUF bytes are atomic) and nothing is buffered when the process dies.
    static let standardError: @Sendable (String) -> Void = { line in
        FileDescriptorWriter.write(line + "\n", to: 2)
    }

    /// Now as RFC 3339 UTC with milliseconds: `2026-11-23T10:00:00.123Z`.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return timestamp(seconds: Int(now.tv_sec), milliseconds: Int(now.tv_nsec) / 1_000_000)
    }

    static func timestamp(seconds: Int, milliseconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))"
            + "T\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))"
            + ".\(pad(Int32(milliseconds), 3))Z"
    }

    /// Handler metadata, then the provider's, then the call's (later wins), flattened to strings:
    /// nested dictionaries become dotted keys, lists their description.
    static func merged(
        handler: Logger.Metadata,
        provider: Logger.MetadataProvider?,
        event: Logger.Metadata?
    ) -> [(key: String, value: String)] {
        var metadata = handler
        if let provided = provider?.get() { metadata.merge(provided) { _, new in new } }
        if let event { metadata.merge(event) { _, new in new } }
        var flat: [String: String] = [:]
        func add(_ key: String, _ value: Logger.MetadataValue) {
            switch value {
            case .string(let string): flat[key] = string
            case .stringConvertible(let convertible): flat[key] = convertible.description
            case .array(let values): flat[key] = "[" + values.map(\.description).joined(separator: ", ") + "]"
            case .dictionary(let dictionary):
                for (subkey, subvalue) in dictionary { add("\(key).\(subkey)", subvalue) }
            }
        }
        for (key, value) in metadata { add(key, value) }
        return flat.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) }
    }
}
