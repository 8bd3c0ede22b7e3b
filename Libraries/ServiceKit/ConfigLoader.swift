#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Builds a ``Configuration`` from its four sources.
///
/// Precedence, lowest to highest: **defaults < YAML file < environment < command-line flags**. A
/// Kubernetes manifest can thus ship a file in a ConfigMap, override single values per pod through
/// the environment, and an operator debugging by hand still wins with a flag.
///
/// - YAML file: nested maps map to dotted keys (`bus: {servers: [...]}` is `bus.servers`); a
///   `.stringList` takes a YAML list or a comma-separated string. Unknown keys are errors.
/// - Environment: `PODGUARD_` + the key in upper snake case (`bus.tls.caFile` →
///   `PODGUARD_BUS_TLS_CA_FILE`). Unknown `PODGUARD_*` variables are ignored, because other tools
///   share the prefix; empty values are ignored too (manifests often template empty strings).
/// - Flags: keyed by the dotted name (with or without the leading `--`). Unknown flags are errors.
///
/// Every value is validated against its key's kind, so errors surface at start-up with the key, the
/// expected form and the source of the bad value.
public enum ConfigLoader {
    public static func load(
        schema: ConfigSchema,
        file: String?,
        environment: [String: String],
        flags: [String: String]
    ) throws(ConfigError) -> Configuration {
        var raws: [String: (raw: ConfigValue.Raw, source: ConfigSource)] = [:]
        for key in schema.keys {
            if let value = key.defaultValue { raws[key.name] = (.text(value), .default) }
        }
        let names = schema.keys.map(\.name)

        if let file {
            let text = try readFile(file)
            for (name, raw) in try YAMLConfigFile.flatten(text, path: file) {
                guard schema.key(named: name) != nil else {
                    throw unknown("unknown key '\(name)' in \(file)", name: name, names: names)
                }
                raws[name] = (raw, .file(file))
            }
        }

        for key in schema.keys {
            let variable = key.environmentName
            if let value = environment[variable], !value.isEmpty {
                raws[key.name] = (.text(value), .environment(variable))
            }
        }

        for (written, value) in flags.sorted(by: { $0.key < $1.key }) {
            let name = written.hasPrefix("--") ? String(written.dropFirst(2)) : written
            guard schema.key(named: name) != nil else {
                throw unknown("unknown flag '--\(name)'", name: name, names: names, flagForm: true)
            }
            raws[name] = (.text(value), .flag("--\(name)"))
        }

        var entries: [String: Configuration.Entry] = [:]
        for key in schema.keys {
            if let (raw, source) = raws[key.name] {
                let value = try ConfigValue.parse(raw, for: key, from: source)
                entries[key.name] = .init(key: key, value: value, source: source)
            } else {
                entries[key.name] = .init(key: key, value: nil, source: .default)
            }
        }
        return Configuration(schema: schema, entries: entries)
    }

    private static func unknown(_ message: String, name: String, names: [String], flagForm: Bool = false) -> ConfigError {
        guard let suggestion = EditDistance.nearest(to: name, among: names) else {
            return ConfigError(key: name, message: message)
        }
        let spelled = flagForm ? "--\(suggestion)" : suggestion
        return ConfigError(key: name, message: "\(message); did you mean '\(spelled)'?")
    }

    /// Reads the file with POSIX calls; Foundation's file APIs would be the only reason to import it here.
    private static func readFile(_ path: String) throws(ConfigError) -> String {
        guard let handle = fopen(path, "rb") else {
            let reason = String(cString: strerror(errno))
            throw ConfigError(key: nil, message: "cannot read configuration file \(path): \(reason)")
        }
        defer { fclose(handle) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, handle) }
            if count > 0 { bytes.append(contentsOf: chunk[0..<count]) }
            if count < chunk.count {
                if ferror(handle) != 0 {
                    throw ConfigError(key: nil, message: "cannot read configuration file \(path): read error")
                }
                break
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ConfigError(key: nil, message: "configuration file \(path) is not UTF-8 text")
        }
        return text
    }
}
