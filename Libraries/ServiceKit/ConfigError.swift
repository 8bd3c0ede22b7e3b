/// A configuration that cannot be used. The message names the key, the expected form and the
/// source of the bad value, because the operator reading it has only the message to go on.
public struct ConfigError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The offending key (or unknown name as written), if the error concerns one.
    public let key: String?
    public let message: String

    public init(key: String?, message: String) {
        self.key = key
        self.message = message
    }

    public var description: String { message }

    static func invalidValue(_ raw: String, key: ConfigKey, source: ConfigSource, expected: String) -> ConfigError {
        let origin = source == .default ? "from its default" : "from \(source)"
        return ConfigError(
            key: key.name,
            message: "invalid value '\(raw)' for '\(key.name)' \(origin): expected \(expected)"
        )
    }
}
