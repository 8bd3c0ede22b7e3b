/// The set of keys a service accepts. Anything not in the schema is rejected when it comes from the
/// YAML file or a flag, so typos are caught at start-up instead of being silently ignored.
public struct ConfigSchema: Sendable {
    /// The keys in declaration order (the order of `--help` and `--print-config`).
    public private(set) var keys: [ConfigKey]

    /// - Precondition: names are unique.
    public init(_ keys: [ConfigKey]) {
        var seen = Set<String>()
        for key in keys {
            precondition(seen.insert(key.name).inserted, "configuration key '\(key.name)' declared twice")
        }
        self.keys = keys
    }

    /// The schema with `other`'s keys added; a key of `other` with a name already present replaces it
    /// in place (so a service can change a common default), which also makes merging idempotent.
    public func merging(_ other: ConfigSchema) -> ConfigSchema {
        var result = self
        for key in other.keys {
            if let index = result.keys.firstIndex(where: { $0.name == key.name }) {
                result.keys[index] = key
            } else {
                result.keys.append(key)
            }
        }
        return result
    }

    public func key(named name: String) -> ConfigKey? {
        keys.first { $0.name == name }
    }

    /// The keys every podguard service has: logging, the operations HTTP server, shutdown and the bus.
    public static let common = ConfigSchema([
        ConfigKey(
            "log.level", .oneOf(["trace", "debug", "info", "notice", "warning", "error", "critical"]),
            default: "info", help: "Lowest level that is logged."),
        ConfigKey(
            "log.format", .oneOf(["json", "text"]), default: "json",
            help: "json: one JSON object per line (for log collectors); text: one readable line."),
        ConfigKey(
            "http.host", .string, default: "127.0.0.1",
            help: "Address of the operations HTTP server (/metrics, /healthz, /readyz)."),
        ConfigKey(
            "http.port", .int, default: "8080", range: 0...65535,
            help: "Port of the operations HTTP server; 0 picks a free port."),
        ConfigKey(
            "shutdown.gracePeriod", .duration, default: "30s",
            help: "How long services may take to finish in-flight work after SIGTERM before they are cancelled."),
        ConfigKey(
            "bus.servers", .stringList, default: "nats://127.0.0.1:4222",
            help: "NATS server URLs."),
        ConfigKey(
            "bus.name", .string, default: nil,
            help: "Connection name shown by the NATS server; defaults to the service name."),
        ConfigKey("bus.user", .string, default: nil, help: "NATS user name."),
        ConfigKey("bus.password", .string, default: nil, help: "NATS password."),
        ConfigKey("bus.token", .string, default: nil, help: "NATS authentication token."),
        ConfigKey("bus.credentialsFile", .string, default: nil, help: "NATS credentials (.creds) file."),
        ConfigKey("bus.nkeySeedFile", .string, default: nil, help: "File holding the NKey seed."),
        ConfigKey("bus.tls.caFile", .string, default: nil, help: "CA certificate(s) to verify the NATS server (PEM)."),
        ConfigKey("bus.tls.certFile", .string, default: nil, help: "Client certificate for TLS (PEM)."),
        ConfigKey("bus.tls.keyFile", .string, default: nil, help: "Client private key for TLS (PEM)."),
        ConfigKey(
            "bus.subjectPrefix", .string, default: "podguard",
            help: "First token of every subject, to share one NATS account between installations."),
    ])
}
