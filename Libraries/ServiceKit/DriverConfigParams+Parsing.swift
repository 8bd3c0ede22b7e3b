import Yams

extension DriverConfigParams {
    /// Parses the file's text: YAML, or JSON (podmon's viper reads both; JSON is YAML here), a
    /// mapping of the keys in `Key` to scalars, quoted or not.
    ///
    /// Validation follows podmon: a log level must be a logrus level (case-insensitive), the poll
    /// rate and the loss threshold whole numbers above 0 (`15.012`, `-15`, `0` are refused), the
    /// skip flag a Go `ParseBool` word. An invalid `PODMON_*_LOG_FORMAT` or `CSI_LOG_*` value is a
    /// warning, as in podmon. Unknown keys are ignored with a warning (the same ConfigMap carries
    /// the driver's own keys).
    ///
    /// - Parameter environment: podmon's viper reads `AutomaticEnv`, so an environment variable
    ///   named like a key overrides the file's value; pass the process environment to get that.
    public static func parse(_ text: String, environment: [String: String] = [:]) throws(DriverConfigParamsError)
        -> DriverConfigParams
    {
        var values = try scalars(text)
        for key in Key.all {
            if let value = environment[key] { values[key] = value }
        }
        var params = DriverConfigParams()
        for key in values.keys.sorted() where !Key.all.contains(key) {
            params.warnings.append("unknown key \(key) ignored")
        }

        // The 2026 drivers' CSI_LOG_* keys: a fallback for both modes; invalid values only warn.
        var csiLevel: Logger.Level?
        if let raw = values[Key.csiLogLevel] {
            csiLevel = logrusLevel(raw)
            if csiLevel == nil { params.warnings.append("\(Key.csiLogLevel) '\(raw)' is not a log level; ignored") }
        }
        var csiFormat: LogFormat?
        if let raw = values[Key.csiLogFormat] { csiFormat = format(raw, key: Key.csiLogFormat, warnings: &params.warnings) }

        params.controllerLogLevel = csiLevel
        if let raw = values[Key.controllerLogLevel] { params.controllerLogLevel = try level(raw, key: Key.controllerLogLevel) }
        params.nodeLogLevel = csiLevel
        if let raw = values[Key.nodeLogLevel] { params.nodeLogLevel = try level(raw, key: Key.nodeLogLevel) }
        var warnings = params.warnings
        params.controllerLogFormat = csiFormat
        if let raw = values[Key.controllerLogFormat] {
            params.controllerLogFormat = format(raw, key: Key.controllerLogFormat, warnings: &warnings)
        }
        params.nodeLogFormat = csiFormat
        if let raw = values[Key.nodeLogFormat] { params.nodeLogFormat = format(raw, key: Key.nodeLogFormat, warnings: &warnings) }
        params.warnings = warnings
        if let raw = values[Key.pollRate] {
            params.pollInterval = .seconds(try positiveInteger(raw, key: Key.pollRate, unit: " (seconds)"))
        }
        if let raw = values[Key.lossThreshold] {
            params.lossThreshold = try positiveInteger(raw, key: Key.lossThreshold, unit: "")
        }
        if let raw = values[Key.skipValidation] {
            guard let flag = goParseBool(raw) else {
                throw DriverConfigParamsError(
                    key: Key.skipValidation,
                    message: "invalid value '\(raw)' for \(Key.skipValidation): expected a boolean (true, false, 1, 0, t, f, TRUE, FALSE, True, False)")
            }
            params.skipArrayConnectionValidation = flag
        }
        return params
    }

    /// The top-level mapping as key → scalar text. Empty content is an empty mapping.
    static func scalars(_ text: String) throws(DriverConfigParamsError) -> [String: String] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw DriverConfigParamsError(key: nil, message: "driver config params are not valid YAML or JSON: \(error)")
        }
        guard let root else { return [:] }
        guard case .mapping(let mapping) = root else {
            throw DriverConfigParamsError(key: nil, message: "driver config params must be a mapping of keys to values")
        }
        var result: [String: String] = [:]
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let key) = keyNode else {
                throw DriverConfigParamsError(key: nil, message: "driver config params: a key is not a plain string")
            }
            switch valueNode {
            case .scalar(let value): result[key.string] = value.string
            default:
                throw DriverConfigParamsError(key: key.string, message: "invalid value for \(key.string): expected a single value, not a list or mapping")
            }
        }
        return result
    }

    /// logrus's `ParseLevel` (case-insensitive), as swift-log levels: panic and fatal are critical.
    static func logrusLevel(_ raw: String) -> Logger.Level? {
        switch raw.lowercased() {
        case "panic", "fatal": .critical
        case "error": .error
        case "warn", "warning": .warning
        case "info": .info
        case "debug": .debug
        case "trace": .trace
        default: nil
        }
    }

    static func level(_ raw: String, key: String) throws(DriverConfigParamsError) -> Logger.Level {
        guard let level = logrusLevel(raw) else {
            throw DriverConfigParamsError(
                key: key, message: "invalid value '\(raw)' for \(key): expected a log level (panic, fatal, error, warn, info, debug, trace)")
        }
        return level
    }

    /// podmon: anything but json or text logs a warning and uses text.
    static func format(_ raw: String, key: String, warnings: inout [String]) -> LogFormat {
        switch raw.lowercased() {
        case "json": return .json
        case "text": return .text
        default:
            warnings.append("\(key) '\(raw)' is neither json nor text; text assumed")
            return .text
        }
    }

    static func positiveInteger(_ raw: String, key: String, unit: String) throws(DriverConfigParamsError) -> Int {
        guard let value = Int(raw.trimmingSpaces), value > 0 else {
            throw DriverConfigParamsError(key: key, message: "invalid value '\(raw)' for \(key): expected a whole number above 0\(unit)")
        }
        return value
    }

    /// Go's `strconv.ParseBool`.
    static func goParseBool(_ raw: String) -> Bool? {
        switch raw {
        case "1", "t", "T", "TRUE", "true", "True": true
        case "0", "f", "F", "FALSE", "false", "False": false
        default: nil
        }
    }
}

extension String {
    fileprivate var trimmingSpaces: Substring {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " }),
              let last = scalars.lastIndex(where: { $0 != " " }) else { return "" }
        return Substring(scalars[first...last])
    }
}
