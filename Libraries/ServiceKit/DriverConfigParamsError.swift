/// Content of `driver-config-params.yaml` that podguard refuses: at start a configuration error
/// (exit 78, podmon: "error with configuration parameters"), at a reload a warning that keeps the
/// previous values.
public struct DriverConfigParamsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The offending key; nil when the file as a whole is wrong (not YAML, not a mapping).
    public var key: String?
    public var message: String

    public init(key: String?, message: String) {
        self.key = key
        self.message = message
    }

    public var description: String { message }
}
