/// The `--help` text: every key with its kind, default, environment variable and help, because an
/// operator configuring a pod needs all three spellings of a setting.
enum HelpText {
    static func render(_ info: ServiceInfo, schema: ConfigSchema) -> String {
        let program = info.executableName
        var lines = [
            "\(program) \(info.version): \(info.summary)",
            "",
            "USAGE: \(program) [--config <file.yaml>] [--<key>=<value> | --<key> <value>]...",
            "",
            "Precedence (lowest to highest): defaults < configuration file < environment < flags.",
            "",
            "OPTIONS:",
            "  -h, --help              Print this help and exit.",
            "  --version               Print the version and exit.",
            "  --config <file.yaml>    YAML configuration file; nested maps give dotted keys (env: PODGUARD_CONFIG).",
            "  --print-config          Print the effective configuration with its sources and exit.",
            "",
            "CONFIGURATION KEYS:",
        ]
        for key in schema.keys {
            lines.append("  --\(key.name) \(key.kind.placeholder)")
            lines.append("      \(key.help)")
            var facts = ["kind: \(kindName(key))"]
            facts.append("default: " + (key.defaultValue.map { $0.isEmpty ? "\"\"" : $0 } ?? "none"))
            facts.append("env: \(key.environmentName)")
            if key.isSecret { facts.append("secret") }
            lines.append("      (" + facts.joined(separator: ", ") + ")")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func kindName(_ key: ConfigKey) -> String {
        switch key.kind {
        case .string: "string"
        case .int: key.range.map { "int \($0.lowerBound)...\($0.upperBound)" } ?? "int"
        case .double: "number"
        case .bool: "bool"
        case .duration: "duration"
        case .stringList: "list"
        case .oneOf(let choices): "one of " + choices.joined(separator: "|")
        }
    }
}
