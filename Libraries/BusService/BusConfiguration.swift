import Bus
import Contracts
import ServiceKit

/// The configuration keys of the bus connection beyond `ConfigSchema.common`'s, and the mapping of
/// all of them to `BusOptions`.
public enum BusConfiguration {
    /// Keys every bus-connected service adds to its schema.
    public static let schema = ConfigSchema([
        ConfigKey("bus.nkeyPublicKey", .string, default: nil,
                  help: "public NKey (U...) matching bus.nkeySeedFile"),
        ConfigKey("bus.tls.hostname", .string, default: nil,
                  help: "server name expected in the server's TLS certificate, when it differs from the URL's host"),
        ConfigKey("bus.requestTimeout", .duration, default: "2s",
                  help: "default timeout of a request/reply round trip"),
        ConfigKey("bus.subscriptionBuffer", .int, default: "65536", range: 1...10_000_000,
                  help: "messages buffered per subscription before the overflow is dropped and counted"),
        ConfigKey("bus.reconnect.initialDelay", .duration, default: "50ms", help: "first reconnect delay"),
        ConfigKey("bus.reconnect.maxDelay", .duration, default: "2s", help: "reconnect delays grow exponentially to this"),
        ConfigKey("bus.reconnect.bufferBytes", .int, default: "8388608", range: 0...1_073_741_824,
                  help: "bytes of publishes kept while reconnecting"),
        ConfigKey("bus.inboxPrefix", .string, default: nil,
                  help: "prefix of this connection's reply inboxes; unset: _INBOX.<subjectPrefix>-<role>, the inboxes the NATS permissions grant this service (docs/bus-contract.md)"),
        ConfigKey("bus.installTopology", .bool, default: "true",
                  help: "create or update podguard's streams and buckets at start; false: wait until an administrator has (podguard-bus install), as the NATS permissions require"),
        ConfigKey("bus.streamReplicas", .int, default: "1", range: 1...5,
                  help: "replicas of every stream and bucket this service creates (3 on a three-server NATS cluster)"),
    ])

    /// `BusOptions` from the effective configuration; contradictions are configuration errors.
    /// `principal` names the service on the bus: its inboxes are the ones its NATS permissions
    /// grant it.
    public static func options(from configuration: Configuration, defaultName: String,
                               principal: BusPrincipal) throws(ConfigError) -> BusOptions {
        var options = BusOptions()
        let defaultInbox = try topology(from: configuration).inboxPrefix(for: principal)
        let inboxPrefix = configuration.string("bus.inboxPrefix") ?? defaultInbox
        if inboxPrefix.isEmpty || inboxPrefix.contains(where: { $0 == "*" || $0 == ">" || $0 == " " }) || inboxPrefix.hasSuffix(".") {
            throw ConfigError(key: "bus.inboxPrefix", message: "invalid value '\(inboxPrefix)' for 'bus.inboxPrefix': expected a subject without wildcards")
        }
        options.inboxPrefix = inboxPrefix
        options.servers = configuration.stringList("bus.servers") ?? options.servers
        if options.servers.isEmpty {
            throw ConfigError(key: "bus.servers", message: "bus.servers is empty: give at least one nats:// or tls:// URL")
        }
        for server in options.servers where !(server.hasPrefix("nats://") || server.hasPrefix("tls://")) {
            throw ConfigError(key: "bus.servers", message: "invalid value '\(server)' for 'bus.servers': expected nats://host:port or tls://host:port")
        }
        options.name = configuration.string("bus.name") ?? defaultName
        options.credentials = try credentials(configuration)
        let caFile = configuration.string("bus.tls.caFile")
        let certFile = configuration.string("bus.tls.certFile")
        let keyFile = configuration.string("bus.tls.keyFile")
        if (certFile == nil) != (keyFile == nil) {
            throw ConfigError(key: certFile == nil ? "bus.tls.certFile" : "bus.tls.keyFile",
                              message: "bus.tls.certFile and bus.tls.keyFile go together: give both or neither")
        }
        if caFile != nil || certFile != nil || options.servers.contains(where: { $0.hasPrefix("tls://") }) {
            options.tls = BusOptions.TLS(caFile: caFile, certificateFile: certFile, keyFile: keyFile,
                                         expectedHostname: configuration.string("bus.tls.hostname"))
        }
        options.defaultRequestTimeout = configuration.duration("bus.requestTimeout") ?? options.defaultRequestTimeout
        options.subscriptionBufferCapacity = configuration.int("bus.subscriptionBuffer") ?? options.subscriptionBufferCapacity
        options.reconnect.initialDelay = configuration.duration("bus.reconnect.initialDelay") ?? options.reconnect.initialDelay
        options.reconnect.maxDelay = configuration.duration("bus.reconnect.maxDelay") ?? options.reconnect.maxDelay
        options.reconnect.bufferBytes = configuration.int("bus.reconnect.bufferBytes") ?? options.reconnect.bufferBytes
        return options
    }

    /// The bus topology under `bus.subjectPrefix` (default `podguard`).
    public static func topology(from configuration: Configuration) throws(ConfigError) -> BusTopology {
        let prefix = configuration.string("bus.subjectPrefix") ?? PodguardSubjects.defaultPrefix
        do {
            return BusTopology(subjects: try PodguardSubjects(prefix: prefix), replicas: configuration.int("bus.streamReplicas") ?? 1)
        } catch {
            throw ConfigError(key: "bus.subjectPrefix", message: "invalid value '\(prefix)' for 'bus.subjectPrefix': expected dot-separated tokens of letters, digits, '-' or '_'")
        }
    }

    private static func credentials(_ configuration: Configuration) throws(ConfigError) -> BusOptions.Credentials {
        let user = configuration.string("bus.user")
        let password = configuration.string("bus.password")
        let token = configuration.string("bus.token")
        let credentialsFile = configuration.string("bus.credentialsFile")
        let seedFile = configuration.string("bus.nkeySeedFile")
        let chosen = [user != nil ? "bus.user" : nil, token != nil ? "bus.token" : nil,
                      credentialsFile != nil ? "bus.credentialsFile" : nil, seedFile != nil ? "bus.nkeySeedFile" : nil]
            .compactMap { $0 }
        if chosen.count > 1 {
            throw ConfigError(key: chosen[1], message: "choose one way to authenticate to the bus, not \(chosen.joined(separator: " and "))")
        }
        if let user {
            guard let password else {
                throw ConfigError(key: "bus.password", message: "bus.user is set but bus.password is not")
            }
            return .userPassword(user: user, password: password)
        }
        if password != nil { throw ConfigError(key: "bus.user", message: "bus.password is set but bus.user is not") }
        if let token { return .token(token) }
        if let credentialsFile { return .credentialsFile(path: credentialsFile) }
        if let seedFile {
            guard let publicKey = configuration.string("bus.nkeyPublicKey") else {
                throw ConfigError(key: "bus.nkeyPublicKey", message: "bus.nkeySeedFile needs bus.nkeyPublicKey (the U... public key)")
            }
            return .nkey(publicKey: publicKey, seedFile: seedFile)
        }
        return .none
    }
}
