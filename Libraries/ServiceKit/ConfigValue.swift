/// A validated configuration value.
enum ConfigValue: Sendable, Equatable {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case duration(Duration)
    case stringList([String])

    /// The raw value a source supplied: YAML lists stay lists, everything else is text.
    enum Raw: Sendable, Equatable {
        case text(String)
        case list([String])

        var display: String {
            switch self {
            case .text(let text): text
            case .list(let items): "[" + items.joined(separator: ", ") + "]"
            }
        }
    }

    /// Validates `raw` against `key`, producing an error that names the key, source and expected form.
    static func parse(_ raw: Raw, for key: ConfigKey, from source: ConfigSource) throws(ConfigError) -> ConfigValue {
        func invalid(_ expected: String? = nil) -> ConfigError {
            .invalidValue(raw.display, key: key, source: source, expected: expected ?? key.kind.expectation)
        }
        if case .stringList = key.kind {
            switch raw {
            case .list(let items):
                return .stringList(items.map { $0.trimmingWhitespace() }.filter { !$0.isEmpty })
            case .text(let text):
                return .stringList(splitList(text))
            }
        }
        guard case .text(let untrimmed) = raw else { throw invalid() }
        let text = key.kind == .string ? untrimmed : untrimmed.trimmingWhitespace()
        switch key.kind {
        case .string:
            return .string(text)
        case .int:
            guard let value = Int(text) else {
                throw invalid(key.range.map { "an integer in \($0.lowerBound)...\($0.upperBound)" })
            }
            if let range = key.range, !range.contains(value) {
                throw invalid("an integer in \(range.lowerBound)...\(range.upperBound)")
            }
            return .int(value)
        case .double:
            guard let value = Double(text), value.isFinite else { throw invalid() }
            return .double(value)
        case .bool:
            switch text.lowercased() {
            case "true", "yes", "1": return .bool(true)
            case "false", "no", "0": return .bool(false)
            default: throw invalid()
            }
        case .duration:
            guard let value = DurationParser.parse(text) else { throw invalid() }
            return .duration(value)
        case .oneOf(let choices):
            guard let choice = choices.first(where: { $0.lowercased() == text.lowercased() }) else { throw invalid() }
            return .string(choice)
        case .stringList:
            return .stringList(splitList(text))
        }
    }

    static func splitList(_ text: String) -> [String] {
        text.split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
    }

    /// The value as text, in the form a flag would take.
    var text: String {
        switch self {
        case .string(let value): value
        case .int(let value): String(value)
        case .double(let value): String(value)
        case .bool(let value): value ? "true" : "false"
        case .duration(let value): DurationParser.format(value)
        case .stringList(let values): values.joined(separator: ",")
        }
    }
}
