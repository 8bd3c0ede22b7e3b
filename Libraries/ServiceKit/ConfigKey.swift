/// One configuration setting: its dotted lowerCamel name (`bus.servers`, `tap.exitAfterMessages`),
/// its kind, its default and the help shown by `--help`.
///
/// The same name is used in the YAML file (as nested maps), as a flag (`--bus.servers`) and, derived,
/// as an environment variable (`PODGUARD_BUS_SERVERS`), so one name is all an operator has to learn.
public struct ConfigKey: Sendable, Hashable {
    public let name: String
    public let kind: ConfigValueKind
    /// The value used when no source sets the key, written as it would be in a flag; `nil` leaves the key unset.
    public let defaultValue: String?
    public let help: String
    /// For `.int` keys: the accepted range (a port is `0...65535`).
    public let range: ClosedRange<Int>?
    /// Secrets are masked as `***` by ``Configuration/rendered()`` so `--print-config` output can be shared.
    public let isSecret: Bool

    public init(_ name: String, _ kind: ConfigValueKind, default: String?, help: String) {
        self.init(name, kind, default: `default`, range: nil, secret: Self.looksSecret(name), help: help)
    }

    /// - Parameters:
    ///   - range: accepted values of an `.int` key.
    ///   - secret: mask the value in rendered output; by default a key whose last component mentions
    ///     a password, token or secret is masked.
    public init(
        _ name: String,
        _ kind: ConfigValueKind,
        default: String?,
        range: ClosedRange<Int>?,
        secret: Bool? = nil,
        help: String
    ) {
        precondition(Self.isValidName(name), "configuration key '\(name)' is not dotted lowerCamel")
        precondition(range == nil || kind == .int, "configuration key '\(name)': a range needs an .int key")
        self.name = name
        self.kind = kind
        self.defaultValue = `default`
        self.range = range
        self.isSecret = secret ?? Self.looksSecret(name)
        self.help = help
    }

    /// The environment variable that sets this key, e.g. `PODGUARD_BUS_TLS_CA_FILE`.
    public var environmentName: String { EnvironmentName.forKey(name) }

    static func looksSecret(_ name: String) -> Bool {
        let last = (name.split(separator: ".").last.map(String.init) ?? name).lowercased()
        return last.contains("password") || last.contains("token") || last.contains("secret")
    }

    /// Dot-separated components, each starting with a lowercase ASCII letter and continuing with
    /// ASCII letters and digits.
    static func isValidName(_ name: String) -> Bool {
        let components = name.split(separator: ".", omittingEmptySubsequences: false)
        guard !components.isEmpty else { return false }
        for component in components {
            guard let first = component.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
            for scalar in component.unicodeScalars {
                guard scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) else {
                    return false
                }
            }
        }
        return true
    }
}
