import Bus
import BusService
import Contracts
import FenceAgents
import FencingCore
import Foundation
import Kube
import Logging
import Policy
import ServiceLifecycle
import Synchronization
import SwiftProtobuf

/// Climbs the node remediation ladders (bucket `podguard-node-remediations`): every
/// `remediation.pollInterval` each live record is taken by one replica (`RecordStore.own`, taken
/// over when its owner stops renewing) and advanced by its `NodeRemediationStateMachine`: the node
/// came back (abandoned), a rung timed out (the next), or the current step's work — a fence agent
/// powers the node off and confirms OFF, a human's annotation naming the node's boot ID approves or
/// denies. Every change is written by compare-and-set before anything depends on it, and announced
/// by an alert whose id makes a repeat a duplicate.
final class NodeRemediator: FencingComponent {
    let context: FencingContext
    let store: NodeRemediationStore
    let kube: KubeClient
    let runner: FenceAgentRunner
    /// The external step, when a template is configured.
    let external: ExternalRemediationStep?
    /// The climbing records (and those whose remediation CR is still to be deleted); this component
    /// follows the bucket into it (`NodeProofJoin` counts the climbing ones).
    let live: KeyValueMirror<Podguard_V1_NodeRemediationRecord>
    /// Nodes this replica is climbing right now (one climb of a node at a time).
    private let climbing = Mutex<Set<String>>([])

    init(context: FencingContext, store: NodeRemediationStore, live: KeyValueMirror<Podguard_V1_NodeRemediationRecord>,
         kube: KubeClient, runner: FenceAgentRunner) {
        self.context = context
        self.store = store
        self.live = live
        self.kube = kube
        self.runner = runner
        self.external = context.settings.remediation.externalTemplate.map { ExternalRemediationStep(template: $0, kube: kube) }
    }

    /// The mirror of the climbing records of `store` (what `live` is).
    static func climbingRecords(_ store: NodeRemediationStore) -> KeyValueMirror<Podguard_V1_NodeRemediationRecord> {
        KeyValueMirror(store.keyValue, as: Podguard_V1_NodeRemediationRecord.self) { _, record in
            record.isClimbing || !record.externalRemediation.isEmpty
        }
    }

    private var remediation: NodeRemediationSettings { settings.remediation }

    func run() async {
        let (ticks, sink) = AsyncStream<Void>.makeStream()
        await withDiscardingTaskGroup { group in
            group.addTask { [logger, live] in await live.follow(logger: logger) }
            group.addTask { [interval = remediation.pollInterval] in await sink.yieldTicks(every: interval, ()) }
            for await _ in ticks.cancelOnGracefulShutdown() {
                for key in live.snapshot().keys where claimLocally(key) {
                    group.addTask {
                        defer { _ = self.climbing.withLock { $0.remove(key) } }
                        await self.climb(key: key)
                    }
                }
            }
            group.cancelAll()
        }
    }

    private func claimLocally(_ key: String) -> Bool {
        climbing.withLock { $0.insert(key).inserted }
    }

    // MARK: One climb

    /// Takes the record (unless another replica climbs it) and advances it as far as it goes now.
    func climb(key: String) async {
        var logger = logger
        logger[metadataKey: "node"] = "\(key)"
        do {
            guard let current = try await store.read(key: key) else { return }
            guard current.record.isClimbing else {
                try await releaseExternal(current.record, logger: logger)
                return
            }
            var entry = current
            // This replica's claim is renewed once a third of the takeover time has passed, not at
            // every look (a climb waiting an hour for approval would write every poll otherwise).
            if !Self.ownedRecently(current.record, by: messages.producerID, within: settings.takeoverAfter / 3, now: Date()) {
                let ownership = try await store.own(key: key, identity: current.record.remediationID, worker: messages.producerID,
                                                    takeoverAfter: settings.takeoverAfter, now: { Date() }) { [messages] record in
                    messages.stamp(&record, at: Date(), correlation: record.header.correlationID)
                }
                guard case .owned(let owned) = ownership else { return }
                entry = owned
            }
            var climb = try Climb(entry: entry, store: store, messages: messages)
            try await advance(&climb, logger: logger)
        } catch let problem as NodeRemediationRecordProblem {
            logger.error("a node remediation record cannot be climbed; leaving it for an operator", metadata: ["problem": "\(problem)"])
        } catch {
            logger.warning("could not advance the node remediation; trying again", metadata: ["error": "\(error)"])
        }
    }

    private func advance(_ climb: inout Climb, logger: Logger) async throws {
        let record = climb.record
        let node = try await kube.getIfPresent(Node.self, name: record.nodeName)
        if Self.hasRecovered(node, record: record) {
            try await climb.handle(.nodeRecovered(at: Date()), alerts: alerts)
            logger.notice("node came back before it was proven safe; remediation abandoned")
            try await withdrawExternalIfGivenUp(&climb, logger: logger)
            return
        }
        try await climb.handle(.tick(Date()), alerts: alerts)
        // One step's work per pass; a step that ended hands over to the next at once.
        while let step = climb.machine.currentStep {
            try await withdrawExternalIfGivenUp(&climb, logger: logger)
            let before = (climb.record.rung, climb.record.history.count)
            try await work(step, climb: &climb, node: node, logger: logger)
            if (climb.record.rung, climb.record.history.count) == before { return }
        }
        try await withdrawExternalIfGivenUp(&climb, logger: logger)
    }

    /// The remediation CR stays while the external step runs, and after it proved the node (the
    /// provider keeps it isolated) until the node is back; otherwise it is deleted.
    private func withdrawExternalIfGivenUp(_ climb: inout Climb, logger: Logger) async throws {
        guard let external, !climb.record.externalRemediation.isEmpty else { return }
        let running = climb.machine.currentStep == .externalRemediation
        let provenByIt = climb.record.state == .proven && climb.record.provenBy == .external
        guard !running, !provenByIt else { return }
        try await external.withdraw(climb.record)
        logger.notice("deleted the ExternalRemediation CR of a step given up", metadata: ["cr": "\(climb.record.externalRemediation)"])
        try await climb.setExternal("")
    }

    /// A finished climb whose remediation CR is still there: deleted once the node is back.
    private func releaseExternal(_ record: Podguard_V1_NodeRemediationRecord, logger: Logger) async throws {
        guard let external, !record.externalRemediation.isEmpty else { return }
        let node = try await kube.getIfPresent(Node.self, name: record.nodeName)
        let back = node.map { node in
            node.readyCondition?.status == "True" && !node.taints.contains { $0.key == TaintKeys.unreachable }
        } ?? false
        guard back || record.state != .proven else { return }
        try await external.withdraw(record)
        _ = try await store.modify(key: record.recordKey) { current in
            guard current.remediationID == record.remediationID, !current.externalRemediation.isEmpty else { return nil }
            var changed = current
            changed.externalRemediation = ""
            messages.stamp(&changed, at: Date(), correlation: current.header.correlationID)
            return changed
        }
        logger.notice("the node is back: deleted its ExternalRemediation CR", metadata: ["cr": "\(record.externalRemediation)"])
    }

    /// Does the current step's work, and hands what came of it to the machine.
    private func work(_ step: LadderStep, climb: inout Climb, node: Node?, logger: Logger) async throws {
        let record = climb.record
        switch step {
        case .storageFence:
            // The pod remediations are the storage fence: here it can only be a rung that is over.
            try await climb.handle(.inapplicable(step, reason: "the storage fence is the pod remediations' own step", at: Date()), alerts: alerts)
        case .fenceAgent:
            try await climb.markStarted()
            // The agent may take longer than a takeover allows: the claim is renewed meanwhile.
            let event = try await climb.whileRenewing(every: settings.takeoverAfter / 3) {
                await powerOff(record, logger: logger)
            }
            try await climb.handle(event, alerts: alerts)
        case .externalRemediation:
            guard let external else {
                try await climb.handle(.inapplicable(step, reason: "no ExternalRemediation template is configured (remediation.external.template)",
                                                     at: Date()), alerts: alerts)
                return
            }
            switch try await external.look(record, node: node) {
            case .created:
                logger.notice("created the ExternalRemediation CR", metadata: ["cr": "\(external.objectName(node: record.nodeName))",
                                                                               "kind": "\(external.template.remediationKind)"])
                try await climb.setExternal(external.objectName(node: record.nodeName))
            case .verdict(.pending):
                break
            case .verdict(.proven(let why)):
                logger.notice("the ExternalRemediation provider isolated the node", metadata: ["why": "\(why)"])
                try await climb.handle(.proven(.externalRemediation, at: Date()), alerts: alerts)
            case .verdict(.failed(let why)), .failed(let why):
                try await climb.handle(.failed(.externalRemediation, reason: why, at: Date()), alerts: alerts)
            case .inapplicable(let why):
                try await climb.handle(.inapplicable(.externalRemediation, reason: why, at: Date()), alerts: alerts)
            }
        case .approval:
            if !record.rungStarted {
                try await climb.markStarted()
                await publishLogged(messages.nodeRemediationAlert(climb.record, .approvalRequested(annotation: remediation.approvalAnnotation),
                                                                  now: Date()))
            }
            switch NodeApproval.read(node?.metadata.annotations?[remediation.approvalAnnotation], bootID: record.bootID) {
            case .approved:
                logger.notice("a human approved fencing the node", metadata: ["bootID": "\(record.bootID)"])
                try await climb.handle(.proven(.approval, at: Date()), alerts: alerts)
            case .denied(let reason):
                try await climb.handle(.denied(reason: reason, at: Date()), alerts: alerts)
            case .otherBoot(let named):
                logger.info("the approval annotation names another boot of the node; ignored", metadata: ["named": "\(named)"])
            case .unreadable(let why):
                logger.warning("the approval annotation is unreadable; ignored", metadata: ["why": "\(why)"])
            case nil:
                break
            }
        }
    }

    /// Powers the node off through its fence agent and confirms OFF. No Secret: the step does not
    /// apply. Anything short of a confirmed OFF is a failure (the next step, never a force delete).
    private func powerOff(_ record: Podguard_V1_NodeRemediationRecord, logger: Logger) async -> NodeRemediationStateMachine.Event {
        let secretName = remediation.secretName(node: record.nodeName)
        let target: FenceAgentTarget
        do {
            guard let secret = try await kube.getIfPresent(Secret.self, name: secretName, namespace: remediation.secretNamespace) else {
                return .inapplicable(.fenceAgent, reason: "no fence agent Secret \(remediation.secretNamespace)/\(secretName)", at: Date())
            }
            target = try FenceAgentTarget(secretData: secret.bytes, secretName: "\(remediation.secretNamespace)/\(secretName)")
        } catch let error as FenceAgentError {
            return .failed(.fenceAgent, reason: error.description, at: Date())
        } catch {
            return .failed(.fenceAgent, reason: "could not read Secret \(remediation.secretNamespace)/\(secretName): \(error)", at: Date())
        }
        logger.notice("powering the node off through its fence agent", metadata: ["agent": "\(target)"])
        do {
            try await runner.powerOffConfirmed(target)
            logger.notice("fence agent confirmed the node powered off", metadata: ["agent": "\(target.agent)"])
            return .proven(.fenceAgent, at: Date())
        } catch {
            logger.error("fence agent could not power the node off", metadata: ["agent": "\(target.agent)", "error": "\(error)"])
            return .failed(.fenceAgent, reason: error.description, at: Date())
        }
    }

    static func ownedRecently(_ record: Podguard_V1_NodeRemediationRecord, by worker: String, within: Duration, now: Date) -> Bool {
        guard record.owner == worker, record.hasOwnerRenewedAt else { return false }
        return Duration.seconds(now.timeIntervalSince(record.ownerRenewedAt.date)) < within
    }

    /// The node reports again: Ready True since the remediation started, or a new boot.
    static func hasRecovered(_ node: Node?, record: Podguard_V1_NodeRemediationRecord) -> Bool {
        guard let node, let ready = node.readyCondition, ready.status == "True" else { return false }
        if let bootID = node.status?.nodeInfo?.bootID, !bootID.isEmpty, bootID != record.bootID { return true }
        guard let since = ready.lastTransitionTime else { return false }
        return since > record.startedAt.date
    }

    private var alerts: @Sendable (Podguard_V1_NodeRemediationRecord, FencingMessages.NodeRemediationNews) async -> Void {
        { [self] record, news in await publishLogged(messages.nodeRemediationAlert(record, news, now: Date())) }
    }
}

/// One owned record being climbed: the machine, the record as last written and its revision.
/// Every change is written (compare-and-set) before the climb goes on; a lost write ends the climb.
struct Climb: Sendable {
    private(set) var machine: NodeRemediationStateMachine
    private(set) var record: Podguard_V1_NodeRemediationRecord
    private var revision: UInt64
    let store: NodeRemediationStore
    let messages: FencingMessages

    init(entry: NodeRemediationStore.Entry, store: NodeRemediationStore, messages: FencingMessages) throws {
        self.machine = try NodeRemediationStateMachine(record: entry.record)
        self.record = entry.record
        self.revision = entry.revision
        self.store = store
        self.messages = messages
    }

    /// Feeds the machine; writes the record when the state changed, then announces what must be.
    mutating func handle(_ event: NodeRemediationStateMachine.Event,
                         alerts: @Sendable (Podguard_V1_NodeRemediationRecord, FencingMessages.NodeRemediationNews) async -> Void) async throws {
        let actions = machine.handle(event)
        guard !actions.isEmpty else { return }
        machine.apply(to: &record)
        try await write()
        for action in actions {
            switch action {
            case .nodeProvenSafe: await alerts(record, .proven)
            case .alertExhausted: await alerts(record, .exhausted)
            case .alertDenied: await alerts(record, .denied)
            case .withdraw where machine.isFinished && record.state == .abandoned: await alerts(record, .abandoned)
            case .start, .withdraw: break
            }
        }
    }

    /// Records the remediation CR created for the external step (empty: deleted); the rung is started.
    mutating func setExternal(_ object: String) async throws {
        guard record.externalRemediation != object else { return }
        record.externalRemediation = object
        if !object.isEmpty { record.rungStarted = true }
        try await write()
    }

    /// The current rung's start is carried out from now on (a replica that takes over knows).
    mutating func markStarted() async throws {
        guard !record.rungStarted else { return }
        record.rungStarted = true
        try await write()
    }

    /// Runs `body` while a background task renews this replica's claim on the record, then reads the
    /// record back; throws `ClimbLost` when another replica took it meanwhile.
    mutating func whileRenewing<T: Sendable>(every interval: Duration, _ body: () async -> T) async throws -> T {
        let key = record.recordKey, identity = record.remediationID, owner = messages.producerID
        let renewal = Task { [store, messages] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard !Task.isCancelled else { return }
                _ = try? await store.modify(key: key) { current in
                    guard current.remediationID == identity, current.owner == owner, current.isClimbing else { return nil }
                    var renewed = current
                    messages.stamp(&renewed, at: Date(), correlation: current.header.correlationID)
                    return renewed
                }
            }
        }
        let result = await body()
        renewal.cancel()
        await renewal.value
        guard let fresh = try await store.read(key: key), fresh.record.remediationID == identity, fresh.record.owner == owner else {
            throw ClimbLost(node: record.nodeName)
        }
        (record, revision) = (fresh.record, fresh.revision)
        return result
    }

    private mutating func write() async throws {
        let now = Date()
        if record.state != .climbing, !record.hasFinishedAt { record.finishedAt = .init(date: now) }
        messages.stamp(&record, at: now, correlation: record.header.correlationID)
        revision = try await store.write(record, at: revision)
    }
}

/// Another replica took the record over while this one worked on it: this one stops.
struct ClimbLost: Error, CustomStringConvertible {
    let node: String
    var description: String { "another fencing replica took over the remediation of node \(node)" }
}
