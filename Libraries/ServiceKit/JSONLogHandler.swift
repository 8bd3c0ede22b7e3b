/// Writes one JSON object per line, the form log collectors (Loki, Elasticsearch, Cloud Logging)
/// parse without configuration:
///
///     {"ts":"2026-11-23T10:00:00.123Z","level":"info","service":"tap","label":"tap","msg":"...","subject":"podguard.x","source":"Tap"}
///
/// Metadata is flattened to string values; a metadata key that collides with a fixed field is
/// written as `meta.<key>` so it cannot overwrite the level or message.
public typealias JSONLogHandler = LineLogHandler<JSONLineFormat>

/// The JSON line of `JSONLogHandler`.
public enum JSONLineFormat: LineLogFormat {
    static let reservedKeys: Set<String> = ["ts", "level", "service", "label", "msg", "source", "error"]

    public static func line(_ event: LogEvent, label: String, service: String, metadata: [(key: String, value: String)]) -> String {
        var line = "{"
        func field(_ key: String, _ value: String) {
            if line.utf8.count > 1 { line += "," }
            Self.appendQuoted(key, to: &line)
            line += ":"
            Self.appendQuoted(value, to: &line)
        }
        field("ts", LogOutput.timestamp())
        field("level", event.level.rawValue)
        field("service", service)
        field("label", label)
        field("msg", event.message.description)
        for (key, value) in metadata {
            field(Self.reservedKeys.contains(key) ? "meta.\(key)" : key, value)
        }
        if let error = event.error { field("error", "\(error)") }
        field("source", event.source)
        line += "}"
        return line
    }

    /// Appends `text` as a JSON string literal (RFC 8259): quotes, backslashes and control characters
    /// are escaped; U+2028/U+2029 too, so the line is also valid JavaScript. Other Unicode is written
    /// as UTF-8, which JSON allows.
    static func appendQuoted(_ text: String, to output: inout String) {
        output.unicodeScalars.append("\"")
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case "\u{2028}", "\u{2029}":
                output += "\\u" + String(scalar.value, radix: 16)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output.unicodeScalars.append("\"")
    }
}

extension LineLogHandler where Format == JSONLineFormat {
    /// `JSONLineFormat.appendQuoted`, where JSON text is built elsewhere (the health endpoint).
    static func appendQuoted(_ text: String, to output: inout String) { JSONLineFormat.appendQuoted(text, to: &output) }
}
