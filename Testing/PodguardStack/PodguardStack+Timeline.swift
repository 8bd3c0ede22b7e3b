public import Bus
import BusService
public import Contracts
import Foundation
public import Kube
import SwiftProtobuf
import Synchronization

/// A timeline of a failover as seen from outside podguard, with a time for every step: what the
/// apiserver shows (watched: node Ready condition, taints, protected pods, VolumeAttachments) and
/// what podguard wrote on the bus (DecisionRecords that acted, every FenceRecord phase transition,
/// CleanupReports). The demo prints it as it happens; the failover benchmark measures on it.
///
/// Two times per event: ``FailoverEvent/observed`` is this process's monotonic clock when the
/// event reached it (a watch event, a bus message); ``FailoverEvent/at`` is the wall time the
/// producer stamped for bus records (FenceRecord transitions, DecisionRecords, CleanupReports) and
/// the observation time otherwise. Every process runs on this machine, so wall clocks agree.
public final class FailoverTimeline: Sendable {
    private let kube: KubeClient
    private let bus: BusConnection
    private let topology: BusTopology
    private let nodeFilter: @Sendable (String) -> Bool
    private let onEvent: @Sendable (FailoverEvent) -> Void
    private let state = Mutex(TimelineState())
    private let tasks = Mutex<[Task<Void, Never>]>([])
    private let nodeInformer: Informer<Node>
    private let podInformer: Informer<Pod>
    private let attachmentInformer: Informer<VolumeAttachment>

    struct TimelineState {
        var events: [FailoverEvent] = []
        var readyStatus: [String: String] = [:]
        var runningUIDs: Set<String> = []
        var notReadyUIDs: Set<String> = []
        var deletionGrace: [String: Int64] = [:]
        var transitionsSeen: [String: Int] = [:]   // fence id -> transitions already reported
    }

    /// - Parameters:
    ///   - nodes: which nodes' events to record (default: every node).
    ///   - onEvent: called for every event as it is recorded (from a background task; keep it short).
    public init(kube: KubeClient, bus: BusConnection, topology: BusTopology,
                nodes: @escaping @Sendable (String) -> Bool = { _ in true },
                onEvent: @escaping @Sendable (FailoverEvent) -> Void = { _ in }) {
        self.kube = kube
        self.bus = bus
        self.topology = topology
        self.nodeFilter = nodes
        self.onEvent = onEvent
        self.nodeInformer = Informer(client: kube, Node.self)
        self.podInformer = Informer(client: kube, Pod.self, labelSelector: "podmon.dellemc.com/driver")
        self.attachmentInformer = Informer(client: kube, VolumeAttachment.self)
    }

    /// Starts watching; returns once the apiserver caches are synced and the bus subscriptions are
    /// in place (events before that are the starting state, not recorded as changes).
    public func start() async throws {
        let root = topology.subjects.root
        let fences = try await bus.jetStream().keyValue(topology.fencesBucket)
        let decisions = try bus.subscribe(to: "\(root).decision.>", as: Podguard_V1_DecisionRecord.self)
        let reports = try bus.subscribe(to: "\(root).cleanup.>", as: Podguard_V1_CleanupReport.self)
        try await bus.flush()
        let (nodes, pods, attachments) = (nodeInformer, podInformer, attachmentInformer)
        let started: [Task<Void, Never>] = [
            Task { await nodes.run() },
            Task { await pods.run() },
            Task { await attachments.run() },
            Task { for await event in nodes.events { self.nodeEvent(event) } },
            Task { for await event in pods.events { self.podEvent(event) } },
            Task { for await event in attachments.events { self.attachmentEvent(event) } },
            Task { await forEachFenceRecord(in: fences) { self.fenceRecord($0) } },
            Task {
                for await message in decisions {
                    let record = message.payload
                    switch record.outcome {
                    case .noAction, .alreadyInProgress, .unspecified: continue
                    default: break
                    }
                    guard self.nodeFilter(record.nodeName) else { continue }
                    self.record(.decision(record), at: record.header.hasProducedAt ? record.header.producedAt.date : Date())
                }
            },
            Task {
                for await message in reports {
                    let report = message.payload
                    guard self.nodeFilter(report.nodeName) else { continue }
                    self.record(.cleanup(report), at: report.hasFinishedAt ? report.finishedAt.date : Date())
                }
            },
        ]
        tasks.withLock { $0 = started }
        try await Wait.until("timeline caches synced", timeout: .seconds(60), every: .milliseconds(50)) {
            nodes.hasSynced && pods.hasSynced && attachments.hasSynced
        }
    }

    public func stop() {
        let running = tasks.withLock { tasks in defer { tasks = [] }; return tasks }
        for task in running { task.cancel() }
    }

    /// Every event recorded so far, in the order they reached this process.
    public var events: [FailoverEvent] { state.withLock { $0.events } }

    // MARK: Recording

    private func record(_ kind: FailoverEvent.Kind, at: Date = Date()) {
        let event = FailoverEvent(kind: kind, at: at, observed: ContinuousClock.now)
        state.withLock { $0.events.append(event) }
        onEvent(event)
    }

    private func nodeEvent(_ event: InformerEvent<Node>) {
        let node: Node, old: Node?
        switch event {
        case .added(let new): (node, old) = (new, nil)
        case .updated(let previous, let new): (node, old) = (new, previous)
        case .deleted, .synced: return
        }
        guard nodeFilter(node.name) else { return }
        let status = node.readyCondition?.status ?? "Unknown"
        let previous = state.withLock { state -> String? in
            defer { state.readyStatus[node.name] = status }
            return state.readyStatus[node.name]
        }
        guard let old else { return }   // the starting state
        if let previous, previous != status {
            record(.nodeReady(node: node.name, status: status, reason: node.readyCondition?.reason ?? ""))
        }
        let before = Set(old.taints.map { TaintKey(key: $0.key, effect: $0.effect) })
        let after = Set(node.taints.map { TaintKey(key: $0.key, effect: $0.effect) })
        for taint in after.subtracting(before).sorted() { record(.taintAdded(node: node.name, key: taint.key, effect: taint.effect)) }
        for taint in before.subtracting(after).sorted() { record(.taintRemoved(node: node.name, key: taint.key, effect: taint.effect)) }
    }

    private func podEvent(_ event: InformerEvent<Pod>) {
        switch event {
        case .synced:
            return
        case .added(let pod), .updated(_, let pod):
            guard let uid = pod.uid else { return }
            let reference = PodReference(pod)
            if let node = pod.nodeName, !nodeFilter(node) { return }
            let (running, notReady, terminating) = state.withLock { state -> (Bool, Bool, Bool) in
                var terminating = false
                if pod.metadata.deletionTimestamp != nil, state.deletionGrace[uid] == nil {
                    state.deletionGrace[uid] = pod.metadata.deletionGracePeriodSeconds ?? -1
                    terminating = true
                }
                let isRunning = pod.isReady && pod.status?.phase == "Running" && pod.metadata.deletionTimestamp == nil
                if isRunning {
                    state.notReadyUIDs.remove(uid)
                    return (state.runningUIDs.insert(uid).inserted, false, terminating)
                }
                // Not Ready after having run: the first sign on the pod that its node failed.
                if state.runningUIDs.contains(uid), !pod.isReady {
                    return (false, state.notReadyUIDs.insert(uid).inserted, terminating)
                }
                return (false, false, terminating)
            }
            if running { record(.podRunning(reference)) }
            if notReady { record(.podNotReady(reference)) }
            if terminating { record(.podTerminating(reference, graceSeconds: pod.metadata.deletionGracePeriodSeconds ?? -1)) }
        case .deleted(let pod):
            guard let uid = pod.uid else { return }
            if let node = pod.nodeName, !nodeFilter(node) { return }
            let grace = state.withLock { $0.deletionGrace[uid] }
            record(.podDeleted(PodReference(pod), forced: grace == nil || grace == 0))
        }
    }

    private func attachmentEvent(_ event: InformerEvent<VolumeAttachment>) {
        guard case .deleted(let attachment) = event, let spec = attachment.spec, nodeFilter(spec.nodeName) else { return }
        record(.attachmentDeleted(persistentVolume: spec.source.persistentVolumeName ?? "", node: spec.nodeName))
    }

    private func fenceRecord(_ record: Podguard_V1_FenceRecord) {
        guard nodeFilter(record.nodeName) else { return }
        let new = state.withLock { state -> [Podguard_V1_FencePhaseTransition] in
            let seen = state.transitionsSeen[record.fenceID] ?? 0
            guard record.transitions.count > seen else { return [] }
            state.transitionsSeen[record.fenceID] = record.transitions.count
            return Array(record.transitions[seen...])
        }
        for transition in new {
            self.record(.fencePhase(record, transition), at: transition.hasAt ? transition.at.date : Date())
        }
    }
}

/// One step of a failover, with the time it happened (see ``FailoverTimeline``).
public struct FailoverEvent: Sendable {
    public enum Kind: Sendable {
        /// The node's Ready condition changed (`True`, `False`, `Unknown`), as the watch showed it.
        case nodeReady(node: String, status: String, reason: String)
        case taintAdded(node: String, key: String, effect: String)
        case taintRemoved(node: String, key: String, effect: String)
        /// A protected pod that ran Ready is no longer Ready.
        case podNotReady(PodReference)
        /// A protected pod (this uid) runs Ready for the first time.
        case podRunning(PodReference)
        /// A deletion with a grace period started (graceful; a force delete skips this).
        case podTerminating(PodReference, graceSeconds: Int64)
        /// The pod object is gone; `forced` if it went without a graceful phase (grace 0).
        case podDeleted(PodReference, forced: Bool)
        case attachmentDeleted(persistentVolume: String, node: String)
        /// A DecisionRecord that acted or withheld an action (no-action records are not kept).
        case decision(Podguard_V1_DecisionRecord)
        /// A FenceRecord entered a phase (`at` is fencing's or decision's own timestamp).
        case fencePhase(Podguard_V1_FenceRecord, Podguard_V1_FencePhaseTransition)
        case cleanup(Podguard_V1_CleanupReport)
    }

    public var kind: Kind
    /// Wall time: the producer's stamp for bus records, otherwise when it was observed.
    public var at: Date
    /// When this process received it (monotonic).
    public var observed: ContinuousClock.Instant
}

/// A pod by namespace, name and uid, with the node it was bound to.
public struct PodReference: Sendable, Hashable {
    public var namespace: String
    public var name: String
    public var uid: String
    public var node: String

    public init(namespace: String, name: String, uid: String, node: String) {
        self.namespace = namespace
        self.name = name
        self.uid = uid
        self.node = node
    }

    init(_ pod: Pod) {
        self.init(namespace: pod.namespace ?? "", name: pod.name, uid: pod.uid ?? "", node: pod.nodeName ?? "")
    }

    public var key: String { "\(namespace)/\(name)" }
}

struct TaintKey: Hashable, Comparable {
    var key: String
    var effect: String
    static func < (lhs: TaintKey, rhs: TaintKey) -> Bool { (lhs.key, lhs.effect) < (rhs.key, rhs.effect) }
}

extension PodguardStack {
    /// A failover timeline over this stack's nodes (not started: call ``FailoverTimeline/start()``).
    public func makeTimeline(onEvent: @escaping @Sendable (FailoverEvent) -> Void = { _ in }) -> FailoverTimeline {
        let names = Set(nodeNames)
        return FailoverTimeline(kube: kube, bus: bus, topology: topology, nodes: { names.contains($0) }, onEvent: onEvent)
    }
}
