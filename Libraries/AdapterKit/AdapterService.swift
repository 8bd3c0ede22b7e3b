public import ArrayFamily
public import Bus
import CSI
public import Contracts
import CRI
public import Logging
public import ServiceKit
public import ServiceLifecycle

/// An array-family adapter: serves adapter.proto's request/reply subjects of one family in one
/// mode by calling the CSI driver (and its podmon extension) on the driver's unix socket.
///
/// `run()` connects to the socket (reconnecting by itself), probes the driver every
/// `healthProbeInterval` for readiness component "csi", subscribes the mode's subjects in queue
/// group `adapter-<family>` and answers each request in a task of its own. On graceful shutdown it
/// unsubscribes (no new requests), answers what was already received and in flight, then closes
/// the socket. Readiness component "adapter" is true while subscribed.
public struct AdapterService: Service {
    public static let csiReadinessComponent = "csi"
    public static let subscriptionReadinessComponent = "adapter"

    let family: any ArrayFamily
    let connection: BusConnection
    let subjects: AdapterSubjects
    let settings: AdapterSettings
    let readiness: ReadinessRegistry
    let containers: (any ContainerRuntime)?
    let logger: Logger
    let metrics: AdapterMetrics

    /// - Parameters:
    ///   - containers: the node's container runtime for `list-containers`; nil uses a CRI client of
    ///     `settings.criEndpoint` in node mode, and answers UNIMPLEMENTED when that is nil too.
    public init(family: any ArrayFamily, connection: BusConnection, subjects: PodguardSubjects,
                settings: AdapterSettings, readiness: ReadinessRegistry,
                containers: (any ContainerRuntime)? = nil, logger: Logger) {
        self.family = family
        self.connection = connection
        self.subjects = AdapterSubjects(subjects: subjects, family: family.id, mode: settings.mode)
        self.settings = settings
        self.readiness = readiness
        self.containers = containers
        var logger = logger
        logger[metadataKey: "family"] = "\(family.id.rawValue)"
        logger[metadataKey: "mode"] = "\(settings.mode)"
        self.logger = logger
        self.metrics = AdapterMetrics(family: family.id.rawValue,
                                      mode: settings.mode.nodeName == nil ? "controller" : "node")
        readiness.register(Self.csiReadinessComponent)
        readiness.register(Self.subscriptionReadinessComponent)
    }

    /// `adapter-<family>/<instance>`: the producer id of every reply.
    public var producerID: String { "adapter-\(family.id.rawValue)/\(settings.instance)" }

    public func run() async throws {
        let client = try CSIClient(
            endpoint: settings.csiAddress,
            configuration: CSIClientConfiguration(defaultDeadline: family.deadlines.identity,
                                                  pendingRetry: settings.pendingRetry),
            logger: logger)
        let health = CSIHealthMonitor(readiness: readiness, metrics: metrics, logger: logger)
        let cri = try makeCRIClient()
        let containers: (any ContainerRuntime)? = self.containers ?? cri.map { CRIContainerRuntime(client: $0) }
        let handlers = AdapterHandlers(
            family: family, mode: settings.mode,
            planner: AdapterPlanner(family: family, knownArrays: settings.knownArrays,
                                    privateMountDirectory: settings.privateMountDirectory),
            client: client, health: health,
            hints: AdapterErrorMapping.RetryHints(transient: settings.transientRetryAfter,
                                                  pending: settings.pendingRetry.delay),
            containers: containers, logger: logger)

        let subscriptions = try subjects.all.map { entry in
            (entry.operation, try connection.subscribe(to: entry.subject, queue: subjects.queueGroup))
        }
        logger.info("adapter serving", metadata: [
            "csiSocket": "\(settings.csiAddress)", "subjects": "\(subjects.all.map(\.subject))",
            "queueGroup": "\(subjects.queueGroup)",
        ])

        await withDiscardingTaskGroup { background in
            background.addTask {
                do { try await client.run() } catch { logger.debug("CSI connection ended", metadata: ["error": "\(error)"]) }
            }
            background.addTask {
                await health.run(client, interval: settings.healthProbeInterval, deadline: family.deadlines.identity)
            }
            if let cri {
                background.addTask {
                    do { try await cri.run() } catch { logger.debug("CRI connection ended", metadata: ["error": "\(error)"]) }
                }
                background.addTask { await logRuntimeVersion(cri) }
            }
            // The server has seen the subscriptions once a flush round trip is back.
            background.addTask {
                do {
                    try await connection.flush()
                    readiness.set(Self.subscriptionReadinessComponent, ready: true)
                } catch {
                    logger.warning("could not confirm the subscriptions", metadata: ["error": "\(error)"])
                }
            }

            await withGracefulShutdownHandler {
                await withDiscardingTaskGroup { serving in
                    for (operation, subscription) in subscriptions {
                        serving.addTask { await serve(subscription, operation: operation, handlers: handlers) }
                    }
                }
            } onGracefulShutdown: {
                // Stop taking requests; buffered ones are still answered, then the loops end.
                readiness.set(Self.subscriptionReadinessComponent, ready: false, reason: "shutting down")
                for (_, subscription) in subscriptions { subscription.unsubscribe() }
            }
            logger.info("adapter stopped taking requests; in-flight requests answered")
            client.shutdown()
            cri?.shutdown()
            background.cancelAll()
        }
    }

    /// The CRI client of a node adapter that was given no container runtime and has an endpoint.
    private func makeCRIClient() throws -> CRIClient? {
        guard containers == nil, settings.mode.nodeName != nil, let endpoint = settings.criEndpoint else {
            if containers == nil, settings.mode.nodeName != nil {
                logger.warning("no CRI endpoint (adapter.criEndpoint is empty): list-containers answers UNIMPLEMENTED")
            }
            return nil
        }
        return try CRIClient(endpoint: endpoint, configuration: CRIClientConfiguration(), logger: logger)
    }

    /// Says once which runtime answers (or that none does yet: the client keeps reconnecting and
    /// each list-containers reports its own error).
    private func logRuntimeVersion(_ cri: CRIClient) async {
        do throws(CRIError) {
            let version = try await cri.version()
            logger.info("container runtime reachable", metadata: [
                "criEndpoint": "\(cri.endpoint)", "runtime": "\(version.runtimeName) \(version.runtimeVersion)",
                "criAPI": "\(version.runtimeAPIVersion)",
            ])
        } catch {
            logger.warning("container runtime not reachable yet", metadata: [
                "criEndpoint": "\(cri.endpoint)", "error": "\(error)",
            ])
        }
    }
}
