/// The effective configuration of a service: every key of its schema, already validated, with the
/// source each value came from. Produced by ``ConfigLoader/load(schema:file:environment:flags:)``.
///
/// Asking for a key that is not in the schema, or with a getter of another kind, is a programmer
/// error and stops the process: such a bug should not survive the first run.
public struct Configuration: Sendable {
    struct Entry: Sendable {
        let key: ConfigKey
        let value: ConfigValue?
        let source: ConfigSource
    }

    public let schema: ConfigSchema
    private let entries: [String: Entry]

    init(schema: ConfigSchema, entries: [String: Entry]) {
        self.schema = schema
        self.entries = entries
    }

    private func entry(_ name: String) -> Entry {
        guard let entry = entries[name] else {
            preconditionFailure("configuration key '\(name)' is not in the schema")
        }
        return entry
    }

    private func kindMismatch(_ name: String, _ getter: String) -> Never {
        preconditionFailure("configuration key '\(name)' is \(entry(name).key.kind), not read with \(getter)")
    }

    /// The value of a `.string` or `.oneOf` key; for other kinds, the value in flag form.
    public func string(_ key: String) -> String? {
        entry(key).value?.text
    }

    public func int(_ key: String) -> Int? {
        switch entry(key).value {
        case nil: return nil
        case .int(let value): return value
        default: kindMismatch(key, "int(_:)")
        }
    }

    /// The value of a `.double` key (an `.int` key is converted).
    public func double(_ key: String) -> Double? {
        switch entry(key).value {
        case nil: return nil
        case .double(let value): return value
        case .int(let value): return Double(value)
        default: kindMismatch(key, "double(_:)")
        }
    }

    public func bool(_ key: String) -> Bool? {
        switch entry(key).value {
        case nil: return nil
        case .bool(let value): return value
        default: kindMismatch(key, "bool(_:)")
        }
    }

    public func duration(_ key: String) -> Duration? {
        switch entry(key).value {
        case nil: return nil
        case .duration(let value): return value
        default: kindMismatch(key, "duration(_:)")
        }
    }

    public func stringList(_ key: String) -> [String]? {
        switch entry(key).value {
        case nil: return nil
        case .stringList(let value): return value
        default: kindMismatch(key, "stringList(_:)")
        }
    }

    /// Which source set the effective value (`.default` also for keys left unset).
    public func source(of key: String) -> ConfigSource {
        entry(key).source
    }

    /// A YAML-like dump of every effective value and its source, in schema order; secrets are shown as
    /// `***` so the output can be pasted into a ticket.
    public func rendered() -> String {
        var lines = ["# effective configuration (precedence: defaults < file < environment < flags)"]
        for key in schema.keys {
            let entry = entry(key.name)
            let value: String
            switch entry.value {
            case nil:
                value = "~"
            case .some where key.isSecret:
                value = "\"***\""
            case .stringList(let items)?:
                value = "[" + items.map(Self.yamlScalar).joined(separator: ", ") + "]"
            case let other?:
                value = Self.yamlScalar(other.text)
            }
            let origin = entry.value == nil ? "unset" : entry.source.description
            lines.append("\(key.name): \(value)  # \(origin)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Quotes a scalar when plain YAML would misread it.
    static func yamlScalar(_ text: String) -> String {
        let plainSafe =
            !text.isEmpty && text.trimmingWhitespace() == text
            && !text.contains(": ") && !text.contains(" #") && !text.contains(",")
            && !text.unicodeScalars.contains { $0.value < 0x20 || $0 == "\"" || $0 == "\\" }
            && !"-?:[]{}#&*!|>'\"%@`~".contains(text.first ?? " ")
        if plainSafe { return text }
        var escaped = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\t": escaped += "\\t"
            case "\r": escaped += "\\r"
            default:
                if scalar.value < 0x20 {
                    escaped += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
                } else {
                    escaped.unicodeScalars.append(scalar)
                }
            }
        }
        return escaped + "\""
    }
}
