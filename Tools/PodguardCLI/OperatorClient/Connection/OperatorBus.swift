import SwiftProtobuf
import Foundation
public import Bus
public import Contracts
public import Logging

/// The CLI's connection to podguard's bus as one principal: connected within the settings'
/// timeout or not at all (an operator waits for an answer, not for reconnects), and closed by
/// `close()`. Reads bind to the installed topology; the CLI never creates it.
public struct OperatorBus: Sendable {
    public let connection: BusConnection
    public let jetStream: JetStream
    public let topology: BusTopology
    public let principal: BusPrincipal
    let logger: Logger

    public var subjects: PodguardSubjects { topology.subjects }

    /// Connects as `principal`; throws `OperatorError.busUnreachable` when no server answers within
    /// `settings.connectTimeout`, `.busRefused` when one answers and closes the connection.
    public static func connect(_ settings: OperatorSettings, as principal: BusPrincipal, logger: Logger) async throws -> OperatorBus {
        let options = try settings.options(for: principal)
        let topology = try settings.topology
        // The server may refuse (and close) as early as the first connect, or while waiting for it.
        var opened: BusConnection?
        do {
            let connection = try await BusConnection.connect(options, logger: logger)
            opened = connection
            try await connection.waitUntilConnected(timeout: settings.connectTimeout)
        } catch BusError.connectionClosed {
            await opened?.close()
            throw OperatorError.busRefused(servers: options.servers, user: settings.userName(for: principal),
                                           detail: "the connection was closed (authentication or TLS)")
        } catch {
            await opened?.close()
            throw OperatorError.busUnreachable(servers: options.servers, after: settings.connectTimeout)
        }
        guard let connection = opened else { throw OperatorError.busUnreachable(servers: options.servers, after: settings.connectTimeout) }
        do {
            return OperatorBus(connection: connection, jetStream: try connection.jetStream(), topology: topology,
                               principal: principal, logger: logger)
        } catch {
            await connection.close()
            throw OperatorError.bus("cannot use JetStream on the bus: \(error)")
        }
    }

    public func close() async { await connection.close() }

    /// Runs `body` with a connection as `principal`, closed afterwards whatever happens.
    public static func with<Result: Sendable>(
        _ settings: OperatorSettings, as principal: BusPrincipal, logger: Logger,
        _ body: (OperatorBus) async throws -> Result
    ) async throws -> Result {
        let bus = try await connect(settings, as: principal, logger: logger)
        do {
            let result = try await body(bus)
            await bus.close()
            return result
        } catch {
            await bus.close()
            throw error
        }
    }

    /// One of the topology's buckets, bound (never created: that is the administrator's install).
    func bucket(_ spec: KeyValueBucketSpec) async throws -> KeyValueStore {
        do {
            return try await jetStream.bindKeyValue(bucket: spec.name)
        } catch {
            throw OperatorError.topologyMissing(
                "cannot open bucket \(spec.name) as \(principal.role): \(error) (is podguard's topology installed — podguard-bus install — and bus.subjectPrefix right?)")
        }
    }
}
