/// The command line split into podguard's own options and dotted configuration flags.
///
/// Flags are `--key=value` or `--key value`; a `.bool` key given bare (`--tap.ensureTopology`) means
/// true, and takes the next argument only if that is a boolean literal.
struct CommandLineArguments: Equatable {
    var help = false
    var version = false
    var printConfig = false
    var configFile: String?
    var flags: [String: String] = [:]

    static let ownOptions = ["help", "version", "config", "print-config"]

    /// - Parameter arguments: the arguments after the executable path.
    static func parse(_ arguments: [String], schema: ConfigSchema) throws(ConfigError) -> CommandLineArguments {
        var result = CommandLineArguments()
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "-h" {
                result.help = true
                continue
            }
            guard argument.hasPrefix("--"), argument.count > 2 else {
                throw ConfigError(key: nil, message: "unexpected argument '\(argument)'; flags are written --key=value")
            }
            let body = argument.dropFirst(2)
            let name: String
            var inlineValue: String?
            if let equals = body.firstIndex(of: "=") {
                name = String(body[..<equals])
                inlineValue = String(body[body.index(after: equals)...])
            } else {
                name = String(body)
            }

            func takeValue() throws(ConfigError) -> String {
                if let inlineValue { return inlineValue }
                guard index < arguments.count, !arguments[index].hasPrefix("--") else {
                    throw ConfigError(key: name, message: "flag '--\(name)' needs a value")
                }
                index += 1
                return arguments[index - 1]
            }

            switch name {
            case "help": result.help = true
            case "version": result.version = true
            case "print-config": result.printConfig = true
            case "config": result.configFile = try takeValue()
            default:
                guard let key = schema.key(named: name) else {
                    let candidates = schema.keys.map(\.name) + ownOptions
                    var message = "unknown flag '--\(name)'"
                    if let suggestion = EditDistance.nearest(to: name, among: candidates) {
                        message += "; did you mean '--\(suggestion)'?"
                    }
                    throw ConfigError(key: name, message: message)
                }
                if key.kind == .bool, inlineValue == nil {
                    let boolLiterals: Set<String> = ["true", "false", "yes", "no", "1", "0"]
                    if index < arguments.count, boolLiterals.contains(arguments[index].lowercased()) {
                        result.flags[name] = arguments[index]
                        index += 1
                    } else {
                        result.flags[name] = "true"
                    }
                } else {
                    result.flags[name] = try takeValue()
                }
            }
        }
        return result
    }
}
