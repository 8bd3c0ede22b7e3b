/// Where an effective configuration value came from; shown in errors and `--print-config` so an
/// operator can tell which of several sources won.
public enum ConfigSource: Sendable, Hashable, CustomStringConvertible {
    case `default`
    /// The path of the YAML file.
    case file(String)
    /// The environment variable's name.
    case environment(String)
    /// The flag as written, e.g. `--http.port`.
    case flag(String)

    public var description: String {
        switch self {
        case .default: "default"
        case .file(let path): "file \(path)"
        case .environment(let name): "environment \(name)"
        case .flag(let flag): "flag \(flag)"
        }
    }
}
