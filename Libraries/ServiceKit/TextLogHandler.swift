/// Writes one readable line per event, for a person at a terminal:
///
///     2026-11-23T10:00:00.123Z info tap: connected servers=nats://127.0.0.1:4222
///
/// Newlines in messages and values are escaped so one event is always one line.
public struct TextLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    private let label: String
    private let service: String
    private let output: @Sendable (String) -> Void

    /// - Parameter output: receives each line without its newline; standard error by default.
    public init(
        label: String,
        service: String,
        level: Logger.Level = .info,
        metadataProvider: Logger.MetadataProvider? = nil,
        output: (@Sendable (String) -> Void)? = nil
    ) {
        self.label = label
        self.service = service
        self.logLevel = level
        self.metadataProvider = metadataProvider
        self.output = output ?? LogOutput.standardError
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        // The label is shown only when it adds something beyond the service name.
        let origin = label == service ? service : "\(service)[\(label)]"
        var line = "\(LogOutput.timestamp()) \(event.level.rawValue) \(origin): \(Self.oneLine(event.message.description))"
        var pairs = LogOutput.merged(handler: metadata, provider: metadataProvider, event: event.metadata)
        if let error = event.error { pairs.append((key: "error", value: "\(error)")) }
        for (key, value) in pairs {
            line += " \(key)=\(Self.quotedIfNeeded(value))"
        }
        output(line)
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
