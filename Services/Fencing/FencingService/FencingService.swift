import Bus
import BusService
import Contracts
import FamilyCatalog
import FenceAgents
import FencingCore
import Foundation
import Kube
import Logging
import Policy
import ServiceKit
import ServiceLifecycle
import Synchronization

/// The fencing service: pulls FenceRequests and NodeTaintRequests from the work-queue stream
/// (durable consumers shared by every replica, so each request goes to one of them) and carries
/// them out against the adapters and the apiserver, recording every phase in the pod's FenceRecord.
public struct FencingService: Service {
    let bus: PodguardBus
    let kube: KubeClient
    let settings: FencingSettings
    let readiness: ReadinessRegistry
    let logger: Logger
    let version: String
    let families: FamilyRegistry
    let failoverRecorder: FailoverRecorder
    public static let readinessComponent = "fencing"

    /// - Parameter failoverRecorder: where the failover phases go (`podguard_failover_phase_seconds`
    ///   by default; tests pass a recorder of their own).
    public init(bus: PodguardBus, kube: KubeClient, settings: FencingSettings,
                readiness: ReadinessRegistry, logger: Logger, version: String, families: FamilyRegistry = FamilyRegistry(),
                failoverRecorder: FailoverRecorder = .metrics) {
        self.bus = bus
        self.kube = kube
        self.settings = settings
        self.readiness = readiness
        self.logger = logger
        self.version = version
        self.families = families
        self.failoverRecorder = failoverRecorder
        readiness.register(Self.readinessComponent)
    }

    /// The contract's consumer with this replica's settings (name, ack wait, deliveries).
    static func consumer(_ spec: ConsumerSpec, name: String, settings: FencingSettings) -> ConsumerSpec {
        var spec = spec
        spec.durableName = name
        spec.ackWait = settings.ackWait
        spec.maxDeliver = settings.maxDeliveries ?? -1
        return spec
    }

    public func run() async throws {
        let open = try await bus.open(logger: logger)
        let js = open.jetStream
        let fenceSpec = Self.consumer(bus.topology.fenceRequestConsumer, name: settings.fenceConsumer, settings: settings)
        let taintSpec = Self.consumer(bus.topology.taintRequestConsumer, name: settings.taintConsumer, settings: settings)
        for spec in [fenceSpec, taintSpec] {
            try await js.createOrUpdateConsumer(stream: spec.stream, TopologyInstaller.consumerConfiguration(spec))
        }
        let fenceConsumer = try await js.pullConsumer(stream: fenceSpec.stream, durableName: fenceSpec.durableName,
                                                      filterSubject: fenceSpec.filterSubject)
        let taintConsumer = try await js.pullConsumer(stream: taintSpec.stream, durableName: taintSpec.durableName,
                                                      filterSubject: taintSpec.filterSubject)

        let messages = FencingMessages(producerID: settings.producerID, version: version)
        let metrics = FencingMetrics(failover: failoverRecorder)
        let events = EventRecorder(client: kube, controller: settings.eventComponent, instance: settings.replicaID)
        let fencingKube = FencingKube(client: kube, events: events)
        let adapters = AdapterCaller(connection: bus.connection, subjects: bus.subjects, messages: messages, settings: settings)
        let validations = ValidationBatches(onCall: { metrics.validateCall(family: $0.family, remediations: $1) }) { key, volumeHandles, correlation in
            await adapters.validate(family: key.family, node: key.node, csiNodeID: key.csiNodeID,
                                    volumeHandles: volumeHandles, correlation: correlation)
        }
        let context = FencingContext(fences: open.fences, jetStream: js, subjects: bus.subjects, messages: messages,
                                     settings: settings, metrics: metrics, logger: logger)
        // Only a ladder beyond the storage fence makes pod remediations wait for a node's proof.
        let ladderAvailable = settings.remediation.ladders.beyondStorage
        let afterStorageFence = settings.remediation.outOfServiceAfterStorageFence
        let outOfService = ladderAvailable || afterStorageFence
            ? await Self.outOfServiceTaint(settings.remediation.outOfServiceTaint, kube: kube, logger: logger) : false
        let fencedVolumes = outOfService && afterStorageFence ? FencedVolumeIndex(open.fences) : nil
        let executor = RemediationExecutor(adapters: adapters, validations: validations, kube: fencingKube, taintKeys: families.taintKeys,
                                           nodeRemediations: ladderAvailable ? open.nodeRemediations : nil,
                                           outOfServiceTaint: outOfService, fencedVolumes: fencedVolumes, logger: logger)
        let climbing = NodeRemediator.climbingRecords(open.nodeRemediations)
        let fenceHandler = FenceRequestHandler(context: context, executor: executor,
                                               nodeProof: ladderAvailable ? NodeProofJoin(context: context, store: open.nodeRemediations,
                                                                                          climbing: climbing) : nil)
        let taintHandler = TaintRequestHandler(context: context, kube: fencingKube, nodes: open.nodes,
                                               connectivity: open.connectivity, families: families)
        let inFlight = InFlightCount(metrics: metrics)
        let replacements = ReplacementObserver(context: context, pods: open.pods, tickEvery: .seconds(30))

        readiness.set(Self.readinessComponent, ready: true)
        logger.info("fencing ready", metadata: ["replica": "\(settings.replicaID)", "fenceConsumer": "\(fenceSpec.durableName)",
                                               "taintConsumer": "\(taintSpec.durableName)"])
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await WorkQueueLoop(consumer: fenceConsumer, concurrency: settings.concurrency, logger: logger,
                                    onCountChange: inFlight.add).run { await fenceHandler.handle($0) }
            }
            group.addTask {
                await WorkQueueLoop(consumer: taintConsumer, concurrency: settings.concurrency, logger: logger,
                                    onCountChange: { _ in }).run { await taintHandler.handle($0) }
            }
            group.addTask { await replacements.run() }
            if let fencedVolumes {
                // Requests in hand finish after a shutdown begins; the index, no longer followed, stays readable.
                group.addTask { await cancelWhenGracefulShutdown { await fencedVolumes.follow(logger: logger) } }
            }
            if ladderAvailable {
                let runner = FenceAgentRunner(directory: settings.remediation.agentDirectory, timeout: settings.remediation.agentTimeout)
                let remediator = NodeRemediator(context: context, store: open.nodeRemediations, live: climbing, kube: kube, runner: runner)
                group.addTask { await remediator.run() }
            }
            if let every = settings.republicationCheckEvery {
                let guardian = RepublicationGuard(context: context, kube: fencingKube, adapters: adapters, interval: every)
                group.addTask { await guardian.run() }
            }
        }
        readiness.set(Self.readinessComponent, ready: false, reason: "shutting down")
        logger.info("fencing stopped taking requests; requests in hand finished")
    }
}

extension FencingService {
    /// Whether the out-of-service fast path applies: `auto` asks the apiserver once at start (1.26+
    /// acts on the taint); an apiserver that cannot say means no fast path (podmon's flow is safe
    /// everywhere).
    static func outOfServiceTaint(_ setting: NodeRemediationSettings.OutOfServiceTaint, kube: KubeClient, logger: Logger) async -> Bool {
        switch setting {
        case .always: return true
        case .never: return false
        case .auto:
            do {
                let version = try await kube.serverVersion(timeout: .seconds(10))
                logger.info("out-of-service fast path", metadata: ["apiserver": "\(version)", "applies": "\(version.isAtLeast(1, 26))"])
                return version.isAtLeast(1, 26)
            } catch {
                logger.warning("could not read the apiserver's version; no out-of-service fast path", metadata: ["error": "\(error)"])
                return false
            }
        }
    }
}

/// Remediations in progress on this replica, for the in-flight gauge.
final class InFlightCount: Sendable {
    private let count = Mutex(0)
    private let metrics: FencingMetrics

    init(metrics: FencingMetrics) { self.metrics = metrics }

    func add(_ delta: Int) {
        let value = count.withLock { value in
            value += delta
            return value
        }
        metrics.inFlight(value)
    }
}
