/// Writes one readable line per event, for a person at a terminal:
///
///     2026-11-23T10:00:00.123Z info tap: connected servers=nats://127.0.0.1:4222
///
/// Newlines in messages and values are escaped so one event is always one line.
public typealias TextLogHandler = LineLogHandler<TextLineFormat>

/// The text line of `TextLogHandler`.
public enum TextLineFormat: LineLogFormat {
    public static func line(_ event: LogEvent, label: String, service: String, metadata: [(key: String, value: String)]) -> String {
        // The label is shown only when it adds something beyond the service name.
        let origin = label == service ? service : "\(service)[\(label)]"
        var line = "\(LogOutput.timestamp()) \(event.level.rawValue) \(origin): \(Self.oneLine(event.message.description))"
        var pairs = metadata
        if let error = event.error { pairs.append((key: "error", value: "\(error)")) }
        for (key, value) in pairs {
            line += " \(key)=\(Self.quotedIfNeeded(value))"
        }
        return line
    }

    static func oneLine(_ text: String) -> String {
        guard text.contains(where: { $0.isNewline }) else { return text }
        var result = ""
        for character in text {
            switch character {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\r\n": result += "\\r\\n"
            default: result.append(character)
            }
        }
        return result
    }

    /// Values with spaces, quotes or `=` are quoted so `key=value` pairs stay unambiguous.
    static func quotedIfNeeded(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.contains { $0.isWhitespace || $0 == "\"" || $0 == "=" }
        guard needsQuotes else { return value }
        var result = "\""
        for character in value {
            switch character {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\r\n": result += "\\r\\n"
            case "\t": result += "\\t"
            default: result.append(character)
            }
        }
        return result + "\""
    }
}
