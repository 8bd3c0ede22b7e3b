import Bus
import Contracts
import Logging
import ServiceKit
import ServiceLifecycle

/// Runs a service's bus connection inside its `ServiceGroup`.
///
/// Readiness component "bus" follows the connection state (ready only while connected). On graceful
/// shutdown it drains the connection: subscriptions finish what they buffered and publishes are
/// flushed. List it *first* among a service's services: the group shuts services down in reverse
/// order, so the bus drains after the services that use it have handed their work back.
public struct BusConnectionService: Service {
    public let connection: BusConnection
    /// The connection with the configured topology, for the services that use it.
    public let bus: PodguardBus
    private let readiness: ReadinessRegistry
    private let logger: Logger
    private let drainTimeout: Duration
    public static let readinessComponent = "bus"

    public init(bus: PodguardBus, readiness: ReadinessRegistry, logger: Logger, drainTimeout: Duration = .seconds(10)) {
        self.connection = bus.connection
        self.bus = bus
        self.readiness = readiness
        self.logger = logger
        self.drainTimeout = drainTimeout
        readiness.register(Self.readinessComponent)
    }

    /// Connects as `principal` with the options of `configuration` (see `BusConfiguration`), for
    /// the topology of its `bus.subjectPrefix`.
    public static func connect(_ application: PodguardApplication, as principal: BusPrincipal) async throws -> BusConnectionService {
        let options = try BusConfiguration.options(from: application.configuration, defaultName: application.info.name,
                                                   principal: principal)
        let topology = try BusConfiguration.topology(from: application.configuration)
        var logger = application.logger
        logger[metadataKey: "component"] = "bus"
        let connection = try await BusConnection.connect(options, logger: logger)
        let bus = PodguardBus(connection: connection, topology: topology,
                              installsTopology: application.configuration.bool("bus.installTopology") ?? true)
        return BusConnectionService(bus: bus, readiness: application.readiness, logger: logger)
    }

    public func run() async throws {
        let changes = connection.stateChanges()
        await withGracefulShutdownHandler {
            for await state in changes {
                readiness.set(Self.readinessComponent, ready: state.isConnected,
                              reason: state.isConnected ? nil : "bus \(state)")
            }
        } onGracefulShutdown: { [connection, drainTimeout] in
            Task { await connection.drain(timeout: drainTimeout) }
        }
        // A connection that closes without a shutdown request is a failure the group must see.
        if connection.state == .closed, !Task.isShuttingDownGracefully {
            throw BusError.connectionClosed
        }
    }
}
