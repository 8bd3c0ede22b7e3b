import SwiftProtobuf
import Foundation
public import Bus
import BusService
public import Contracts
public import ServiceKit

/// How the CLI reaches the bus: the services' `bus.*` keys from the same sources and with the same
/// precedence (defaults < `--config` file < `PODGUARD_*` environment < flags), read by ServiceKit's
/// `ConfigLoader`, mapped to connection options by `BusConfiguration`.
///
/// The CLI connects as the `observer` to read and as the `administrator` to switch the pause.
/// Without `bus.user`, each principal's user is the installation's (`<subjectPrefix>-observer`,
/// `<subjectPrefix>-admin`) and its password comes from `PODGUARD_NATS_<ROLE>_PASSWORD` (the
/// variables the NATS servers' configuration reads), else from `bus.password`. With `bus.user`
/// set, every command connects as that user.
public struct OperatorSettings: Sendable {
    /// The common keys (so a file holding `log.*` or `http.*` loads) and the bus keys.
    public static let schema = ConfigSchema.common.merging(BusConfiguration.schema)

    public let configuration: Configuration
    public let connectTimeout: Duration
    private let flags: [String: String]
    private let configFile: String?
    private let environment: [String: String]

    /// `flags` are dotted keys without dashes (`bus.servers`); `configFile` is `--config` (else
    /// `PODGUARD_CONFIG`).
    public init(flags: [String: String], configFile: String?, environment: [String: String],
                connectTimeout: Duration = .seconds(5)) throws(ConfigError) {
        self.flags = flags
        self.configFile = configFile ?? environment["PODGUARD_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
        self.environment = environment
        self.connectTimeout = connectTimeout
        configuration = try ConfigLoader.load(schema: Self.schema, file: self.configFile, environment: environment, flags: flags)
    }

    public var topology: BusTopology {
        get throws(ConfigError) { try BusConfiguration.topology(from: configuration) }
    }

    public var servers: [String] { configuration.stringList("bus.servers") ?? [] }

    /// Connection options as `principal`.
    public func options(for principal: BusPrincipal) throws(ConfigError) -> BusOptions {
        var chosen = configuration
        let otherCredentials = ["bus.user", "bus.token", "bus.credentialsFile", "bus.nkeySeedFile"]
            .contains { configuration.string($0) != nil }
        if !otherCredentials,
           let password = environment[NATSAuthorization.passwordVariable(for: principal)].flatMap({ $0.isEmpty ? nil : $0 })
            ?? configuration.string("bus.password") {
            var withUser = flags
            withUser["bus.user"] = try self.topology.userName(for: principal)
            withUser["bus.password"] = password
            chosen = try ConfigLoader.load(schema: Self.schema, file: configFile, environment: environment, flags: withUser)
        }
        // An explicit user of the installation (`podguard-admin` to read too) gets its own inboxes,
        // the only ones its permissions allow; another name keeps the principal's (or bus.inboxPrefix).
        let explicitUser = configuration.string("bus.user")
        let topology = try self.topology
        let inboxOwner = [BusPrincipal.observer, .administrator].first { topology.userName(for: $0) == explicitUser } ?? principal
        var options = try BusConfiguration.options(from: chosen, defaultName: "podguard-cli", principal: inboxOwner)
        // Fail fast: an operator waits for an answer, not for a service's patient reconnects.
        options.connectTimeout = min(options.connectTimeout, connectTimeout)
        return options
    }

    /// The user `principal` connects as, for error messages; nil without user names.
    public func userName(for principal: BusPrincipal) -> String? {
        guard let options = try? options(for: principal), case .userPassword(let user, _) = options.credentials else { return nil }
        return user
    }
}
