import Bus
import BusService
import Contracts
import FamilyCatalog
import Foundation
import Kube
import Logging
import NodeCleanupCore
import Policy
import ServiceKit
import ServiceLifecycle

/// node-cleanup on one node: watches its own Node and the FenceRecords of pods that left it, and
/// once the node has been stable for the window, cleans those pods' volumes off the node through
/// the local node adapters and removes the podguard taint (safety invariant 2).
///
/// One task owns the `CleanupCycleStateMachine` and feeds it every input in order; attempts run as
/// a child task and report back as an input. No attempt starts before the fences bucket has been
/// read to the end: an attempt on half a ledger could remove the taint with pods still uncleaned.
public struct NodeCleanupService: Service {
    let bus: PodguardBus
    let kube: KubeClient
    let settings: NodeCleanupSettings
    let families: FamilyRegistry
    let readiness: ReadinessRegistry
    let logger: Logger
    let messages: CleanupMessageFactory
    /// How often the state machine is ticked (attempts start on a tick).
    let tickInterval: Duration
    public static let kubeReadinessComponent = "kube"
    public static let ledgerReadinessComponent = "fence-records"

    public init(bus: PodguardBus, kube: KubeClient, settings: NodeCleanupSettings,
                families: FamilyRegistry, readiness: ReadinessRegistry, logger: Logger, version: String,
                makeID: @escaping @Sendable () -> String = { UUID().uuidString.lowercased() }) {
        self.bus = bus
        self.kube = kube
        self.settings = settings
        self.families = families
        self.readiness = readiness
        self.logger = logger
        self.messages = CleanupMessageFactory(producerID: settings.producerID, version: version, makeID: makeID)
        self.tickInterval = min(.seconds(1), settings.apiCheckInterval)
        readiness.register(Self.kubeReadinessComponent)
        readiness.register(Self.ledgerReadinessComponent)
    }

    enum Input: Sendable {
        case observed(NodeObservation)
        case nodeDeleted
        case readFailed(String)
        case tick
        case attemptFinished(CleanupAttempt.Outcome)
        case shutdown
    }

    public func run() async throws {
        let open = try await bus.open(logger: logger)
        let js = open.jetStream
        let last = try? await CleanupReportHistory.last(node: settings.nodeName, jetStream: js, topology: bus.topology)
        let resumed = CleanupReportHistory.resumption(from: last)
        if resumed.attempt > 0 {
            logger.info("continuing from the last cleanup report", metadata: [
                "attempt": "\(resumed.attempt)", "zombiesSeenBootID": "\(resumed.zombiesSeenAtBootID ?? "")"])
        }
        let ledger = FenceLedger(store: open.fences, node: settings.nodeName)
        let attemptRunner = CleanupAttempt(
            settings: settings, families: families,
            adapters: NodeAdapterClient(connection: bus.connection, subjects: bus.subjects, node: settings.nodeName,
                                        callTimeout: settings.adapterCallTimeout, replyTimeout: settings.adapterReplyTimeout,
                                        containerCheckTimeout: settings.containerCheckTimeout),
            kube: kube, ledger: ledger, connectivity: open.connectivity, messages: messages, logger: logger)
        let publisher = CleanupPublisher(jetStream: js, subjects: bus.subjects, logger: logger)

        let (inputs, sink) = AsyncStream<Input>.makeStream()
        let informer = Informer(client: kube, Node.self, fieldSelector: "metadata.name=\(settings.nodeName)")
        await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await informer.run() }
            group.addTask { [settings, families] in
                for await event in informer.events {
                    switch event {
                    case .added(let node), .updated(_, let node): sink.yield(.observed(NodeObservation(node, taintKeys: families.taintKeys)))
                    case .deleted: sink.yield(.nodeDeleted)
                    case .synced: if informer.get(name: settings.nodeName) == nil { sink.yield(.nodeDeleted) }
                    }
                }
            }
            group.addTask { try await readNodePeriodically(into: sink) }
            group.addTask {
                await ledger.follow(logger: logger) { readiness.set(Self.ledgerReadinessComponent, ready: true) }
            }
            group.addTask { [tickInterval] in
                while !Task.isCancelled {
                    try await Task.sleep(for: tickInterval)
                    sink.yield(.tick)
                }
            }
            group.addTask {
                try? await gracefulShutdown()
                sink.yield(.shutdown)
            }

            var machine = CleanupCycleStateMachine(timing: settings.timing, restoredAttempt: resumed.attempt,
                                                   restoredZombieBootID: resumed.zombiesSeenAtBootID)
            var latest: NodeObservation?
            // Since when this process has seen a podguard taint on its node (the age gauge).
            var taintedSince: ContinuousClock.Instant?
            var lastBlockedReasons: [String]?
            var shuttingDown = false
            var attemptTask: Task<Void, Never>?
            for await input in inputs {
                let now = ContinuousClock.now
                var action = CleanupCycleStateMachine.Action.none
                switch input {
                case .observed(let node):
                    readiness.set(Self.kubeReadinessComponent, ready: true)
                    if latest?.isStableNow != node.isStableNow || latest?.isPodguardTainted != node.isPodguardTainted {
                        logger.info("node state", metadata: [
                            "tainted": "\(node.podguardTaintKeys)", "ready": "\(node.ready)", "unreachable": "\(node.unreachable)",
                            "bootID": "\(node.bootID)"])
                    }
                    latest = node
                    taintedSince = node.isPodguardTainted ? (taintedSince ?? now) : nil
                    action = machine.observed(node, at: now)
                case .nodeDeleted:
                    latest = nil
                    action = machine.nodeDeleted(at: now)
                case .readFailed(let why):
                    readiness.set(Self.kubeReadinessComponent, ready: false, reason: why)
                    action = machine.observationFailed(at: now)
                case .tick:
                    NodeCleanupMetrics.stable(machine.stableFor(at: now) != nil)
                    NodeCleanupMetrics.taintAge(taintedSince.map { now - $0 } ?? .zero, node: settings.nodeName)
                    if !shuttingDown && ledger.isCaughtUp { action = machine.tick(at: now) }
                case .attemptFinished(let outcome):
                    attemptTask = nil
                    await publisher.publish(outcome.report)
                    await alert(outcome, previousReasons: &lastBlockedReasons, ledger: ledger, publisher: publisher)
                    action = machine.attemptFinished(outcome.result, at: now)
                    if case .taintRemoved = outcome.result { lastBlockedReasons = nil }
                case .shutdown:
                    shuttingDown = true
                }
                switch action {
                case .none:
                    break
                case .startAttempt(let attempt, let zombieBootID):
                    guard let node = latest else { break }
                    let entries = ledger.pending()
                    logger.info("cleanup attempt", metadata: ["attempt": "\(attempt)", "pods": "\(entries.count)"])
                    let context = CleanupAttempt.Context(attempt: attempt, node: node, zombiesSeenAtBootID: zombieBootID)
                    attemptTask = Task { sink.yield(.attemptFinished(await attemptRunner.run(context, entries: entries))) }
                case .taintRemovedExternally:
                    lastBlockedReasons = nil
                    await alertExternalRemoval(ledger: ledger, publisher: publisher)
                }
                // Shut down once no attempt is running: an attempt is idempotent, but letting it
                // finish records what it did.
                if shuttingDown && attemptTask == nil { break }
            }
            readiness.set(Self.kubeReadinessComponent, ready: false, reason: "shutting down")
            readiness.set(Self.ledgerReadinessComponent, ready: false, reason: "shutting down")
            sink.finish()
            group.cancelAll()
        }
    }

    /// podmon's API check: a GET of the node every `apiCheckInterval`, besides the watch, so an
    /// unreachable API (a watch can hang silently) breaks stability.
    private func readNodePeriodically(into sink: AsyncStream<Input>.Continuation) async throws {
        while !Task.isCancelled {
            do {
                let node = try await kube.get(Node.self, name: settings.nodeName, timeout: settings.apiCheckInterval)
                sink.yield(.observed(NodeObservation(node, taintKeys: families.taintKeys)))
            } catch let error as KubeError where error.isNotFound {
                sink.yield(.nodeDeleted)
            } catch is CancellationError {
                return
            } catch {
                logger.warning("cannot read the node", metadata: ["node": "\(settings.nodeName)", "error": "\(error)"])
                sink.yield(.readFailed("reading node \(settings.nodeName) failed: \(error)"))
            }
            try await Task.sleep(for: settings.apiCheckInterval)
        }
    }

    // MARK: Alerts

    private func alert(_ outcome: CleanupAttempt.Outcome, previousReasons: inout [String]?, ledger: FenceLedger,
                       publisher: CleanupPublisher) async {
        let report = outcome.report
        let node = settings.nodeName
        let cleaned = report.pods.filter { $0.outcome == .cleaned }
        if report.taintRemoved {
            logger.notice("node cleaned; podguard taint removed", metadata: [
                "attempt": "\(report.attempt)", "cleaned": "\(cleaned.count)", "taints": "\(report.taintsRemoved.map(\.key))"])
            guard !report.taintsRemoved.isEmpty else { return }
            await publisher.publish(messages.alert(
                severity: .info, reason: "TaintRemoved", node: node,
                summary: "node \(node) returned to service: \(cleaned.count) moved pod(s) cleaned, taint \(report.taintsRemoved.map(\.key).joined(separator: ", ")) removed (attempt \(report.attempt))",
                details: cleaned.map { "\($0.pod.namespace)/\($0.pod.name) (\($0.pod.uid))" }.joined(separator: "\n"),
                labels: ["attempt": "\(report.attempt)"], now: Date()))
            return
        }
        logger.warning("podguard taint kept; cleanup will be retried, or reboot the node", metadata: [
            "attempt": "\(report.attempt)", "reason": "\(report.taintKeptReason)"])
        // One alert per distinct set of reasons, not one per retry.
        guard previousReasons != outcome.keptReasons else { return }
        previousReasons = outcome.keptReasons
        var labels = ["attempt": "\(report.attempt)"]
        if !report.zombieContainers.isEmpty { labels["zombies"] = "\(report.zombieContainers.count)" }
        if report.containersUnknown { labels["containers"] = "unknown" }
        await publisher.publish(messages.alert(
            severity: .warning, reason: "CleanupBlocked", node: node,
            summary: "podguard taint kept on \(node): \(report.taintKeptReason)",
            details: report.pods.map { "\($0.pod.namespace)/\($0.pod.name): \($0.outcome) \($0.message)" }.joined(separator: "\n"),
            labels: labels, now: Date()))
    }

    private func alertExternalRemoval(ledger: FenceLedger, publisher: CleanupPublisher) async {
        let uncleaned = ledger.pending().filter { $0.role == .movedAway }
        let node = settings.nodeName
        guard !uncleaned.isEmpty else {
            logger.info("podguard taint removed by someone else; no moved pod was waiting for cleanup")
            return
        }
        let names = uncleaned.map { "\($0.record.pod.namespace)/\($0.record.pod.name)" }
        logger.error("********** podguard taint removed by hand before the node was cleaned **********",
                     metadata: ["pods": "\(names)"])
        await publisher.publish(messages.alert(
            severity: .critical, reason: "TaintRemovedExternally", node: node,
            summary: "the podguard taint was removed from \(node) by someone else while \(uncleaned.count) moved pod(s) were not cleaned there",
            details: "not cleaned: \(names.joined(separator: ", ")); their volumes may still be mounted on \(node). Re-taint the node or reboot it.",
            now: Date()))
    }
}
