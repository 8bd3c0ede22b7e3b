public import ArrayFamily
import Bus
public import Contracts
import BusService
import CSISimulator
import Foundation
public import Kube
import NodeSimulator
import SwiftProtobuf
import Synchronization

/// Records, from outside podguard, what happened during a scenario — from the apiserver (protected
/// pods and nodes, watched), the bus (FenceRecords in `podguard-fences`, Alerts, CleanupReports,
/// ArrayConnectivity) and the simulators (mapping log, mounts, containers, one-writer violations) —
/// and checks the four safety invariants (docs/end-to-end-tests.md) against it (``violations()``).
public final class InvariantAuditor: Sendable {
    let kube: KubeClient
    let cluster: SimulatedCluster
    let bus: BusConnection
    let topology: BusTopology
    let families: [ArrayFamilyID]
    let state = Mutex(AuditState())
    private let tasks = Mutex<[Task<Void, Never>]>([])
    private let podInformer: Informer<Pod>
    private let nodeInformer: Informer<Node>

    /// A protected pod deleted without a graceful phase first (grace 0 at once): a force delete.
    public struct ForcedDeletion: Sendable {
        public var namespace: String
        public var name: String
        public var uid: String
        public var node: String
        public var at: Date
        public var ready: Bool
        /// The node was silent then (Ready not True, `node.kubernetes.io/unreachable`): no kubelet
        /// could report the pod, so a Ready condition was stale (invariant 1's exception).
        public var nodeSilent: Bool
        public var claims: [String]
        public var nodeTaints: [Kube.Taint]
        /// Length of each family's simulator event log when the deletion was observed.
        public var eventIndex: [ArrayFamilyID: Int]
        public var ioActiveVolumes: Set<String>
    }

    /// A podguard taint that disappeared from a node, and what the auditor found on the node then.
    public struct TaintRemoval: Sendable {
        public var node: String
        public var keys: [String]
        public var at: Date
        public var problems: [String]
    }

    struct AuditState {
        var timeline: [String] = []
        var podsByUID: [String: Pod] = [:]
        var firstDeletionGrace: [String: Int64] = [:]
        var forced: [ForcedDeletion] = []
        var gracefulDeletions: [String] = []
        var nodes: [String: Node] = [:]
        var taintRemovals: [TaintRemoval] = []
        var taintsSeen: [String: Set<String>] = [:]   // node -> every taint key ever seen
        var taintsAdded: [(node: String, key: String, at: Date)] = []
        var fenceRevisions: [String: [Podguard_V1_FenceRecord]] = [:]   // pod uid -> every put, in order
        var alerts: [Podguard_V1_Alert] = []
        var cleanupReports: [Podguard_V1_CleanupReport] = []
        var decisions: [Podguard_V1_DecisionRecord] = []
        var lostSince: [String: Date] = [:]            // node -> first LOST verdict seen
        var ioActive: Set<String> = []
        /// Per remediation that reached POD_DELETED: its volumes on its node, watched in the arrays'
        /// mapping logs from then until node-cleanup recorded the pod cleaned.
        var publicationWatches: [String: PublicationWatch] = [:]   // fence id -> watch
        var stopped = false
    }

    /// A fenced volume must not be published to its fenced node again until the node is cleaned.
    struct PublicationWatch {
        var pod: String
        var node: String
        var volumes: [(family: ArrayFamilyID, handle: String)]
        var from: [ArrayFamilyID: Int]
        var until: [ArrayFamilyID: Int]?
    }

    init(kube: KubeClient, cluster: SimulatedCluster, bus: BusConnection, topology: BusTopology, families: [ArrayFamilyID]) {
        self.kube = kube
        self.cluster = cluster
        self.bus = bus
        self.topology = topology
        self.families = families
        self.podInformer = Informer(client: kube, Pod.self, labelSelector: "podmon.dellemc.com/driver")
        self.nodeInformer = Informer(client: kube, Node.self)
    }

    static let unreachableKey = "node.kubernetes.io/unreachable"
    static func isPodguardTaint(_ key: String) -> Bool { key.hasSuffix(".podmon.storage.dell.com") }
    static func isOfflineTaint(_ key: String) -> Bool { key.hasPrefix("offline.") && key.hasSuffix(".storage.dell.com") }

    // MARK: Recording

    func start() async throws {
        let subjects = topology.subjects
        let fences = try await bus.jetStream().keyValue(topology.fencesBucket)
        let alerts = try bus.subscribe(to: "\(subjects.root).alert.>", as: Podguard_V1_Alert.self)
        let reports = try bus.subscribe(to: "\(subjects.root).cleanup.>", as: Podguard_V1_CleanupReport.self)
        let decisions = try bus.subscribe(to: "\(subjects.root).decision.>", as: Podguard_V1_DecisionRecord.self)
        let connectivity = try bus.subscribe(to: "\(subjects.root).connectivity.>", as: Podguard_V1_ArrayConnectivity.self)
        try await bus.flush()
        let pods = podInformer
        let nodes = nodeInformer
        var started: [Task<Void, Never>] = [
            Task { await pods.run() },
            Task { await nodes.run() },
            Task { for await event in pods.events { await self.podEvent(event) } },
            Task { for await event in nodes.events { await self.nodeEvent(event) } },
            Task { await forEachFenceRecord(in: fences) { self.fenceRecord($0) } },
            Task { for await message in alerts { self.note(alert: message.payload) } },
            Task { for await message in reports { self.note(report: message.payload) } },
            Task { for await message in decisions { self.state.withLock { $0.decisions.append(message.payload) } } },
            Task {
                for await message in connectivity where message.payload.verdict == .lost {
                    let node = message.payload.nodeName
                    let first = self.state.withLock { state -> Bool in
                        guard state.lostSince[node] == nil else { return false }
                        state.lostSince[node] = Date()
                        return true
                    }
                    if first { self.log("connectivity LOST \(node) (\(message.payload.family))") }
                }
            },
        ]
        try await Wait.until("auditor informers synced", timeout: .seconds(60), every: .milliseconds(100)) {
            pods.hasSynced && nodes.hasSynced
        }
        started.append(Task {})
        tasks.withLock { $0 = started }
    }

    func stop() {
        state.withLock { $0.stopped = true }
        let running = tasks.withLock { tasks in defer { tasks = [] }; return tasks }
        for task in running { task.cancel() }
    }

    /// Adds a line to the timeline (tests mark what they did).
    public func log(_ line: String) {
        let stamp = ISO8601DateFormatter.string(from: Date(), timeZone: .gmt, formatOptions: [.withTime, .withFractionalSeconds])
        state.withLock { $0.timeline.append("\(stamp) \(line)") }
    }

    private func inCluster(_ node: String?) -> Bool {
        guard let node else { return false }
        return cluster.nodeNames.contains(node)
    }

    private func podEvent(_ event: InformerEvent<Pod>) async {
        switch event {
        case .synced:
            return
        case .added(let pod):
            guard let uid = pod.uid else { return }
            state.withLock { $0.podsByUID[uid] = pod }
        case .updated(_, let pod):
            guard let uid = pod.uid else { return }
            let (previous, firstTerminating) = state.withLock { state -> (Pod?, Bool) in
                let previous = state.podsByUID[uid]
                state.podsByUID[uid] = pod
                guard pod.metadata.deletionTimestamp != nil, state.firstDeletionGrace[uid] == nil else { return (previous, false) }
                state.firstDeletionGrace[uid] = pod.metadata.deletionGracePeriodSeconds ?? -1
                return (previous, true)
            }
            if firstTerminating {
                log("pod \(pod.key) \(uid.prefix(8)) terminating (grace \(pod.metadata.deletionGracePeriodSeconds ?? -1)) on \(pod.nodeName ?? "-")")
            }
            if previous?.isReady != pod.isReady || previous?.nodeName != pod.nodeName {
                log("pod \(pod.key) \(uid.prefix(8)) node \(pod.nodeName ?? "-") ready \(pod.isReady)")
            }
        case .deleted(let pod):
            guard let uid = pod.uid else { return }
            // The event log and the node's taints at the moment the deletion was seen.
            var indexes: [ArrayFamilyID: Int] = [:]
            for (family, backend) in cluster.backends { indexes[family] = backend.array.events.count }
            let node = pod.nodeName ?? ""
            // A pod never bound to one of this cluster's nodes (a pending replacement removed with
            // its namespace, which the apiserver deletes at once) had nothing on a node to protect.
            let onNode = inCluster(pod.nodeName)
            let forced = state.withLock { state -> Bool in
                let grace = state.firstDeletionGrace[uid]
                let forced = onNode && (grace == nil || grace == 0)
                if forced {
                    state.forced.append(ForcedDeletion(
                        namespace: pod.namespace ?? "", name: pod.name, uid: uid, node: node, at: Date(), ready: pod.isReady,
                        nodeSilent: state.nodes[node].map { node in
                            node.readyCondition?.status != "True" && node.taints.contains { $0.key == Self.unreachableKey }
                        } ?? false,
                        claims: pod.claimNames, nodeTaints: state.nodes[node]?.taints ?? [], eventIndex: indexes,
                        ioActiveVolumes: state.ioActive))
                } else {
                    state.gracefulDeletions.append(uid)
                }
                return forced
            }
            log("pod \(pod.key) \(uid.prefix(8)) deleted from \(node) (\(forced ? "forced" : "after graceful termination"), ready \(pod.isReady))")
        }
    }

    private func nodeEvent(_ event: InformerEvent<Node>) async {
        let node: Node
        let old: Node?
        switch event {
        case .added(let new): (node, old) = (new, nil)
        case .updated(let previous, let new): (node, old) = (new, previous)
        case .deleted, .synced: return
        }
        guard inCluster(node.name) else { return }
        state.withLock { state in
            state.nodes[node.name] = node
            state.taintsSeen[node.name, default: []].formUnion(node.taints.map(\.key))
        }
        let newKeys = Set(node.taints.map(\.key)).subtracting((old?.taints ?? []).map(\.key))
        if !newKeys.isEmpty {
            state.withLock { state in for key in newKeys { state.taintsAdded.append((node.name, key, Date())) } }
        }
        let before = Set((old?.taints ?? []).map { "\($0.key):\($0.effect)" })
        let after = Set(node.taints.map { "\($0.key):\($0.effect)" })
        if before != after {
            let added = after.subtracting(before).sorted(), removed = before.subtracting(after).sorted()
            log("node \(node.name) taints +\(added) -\(removed)")
        }
        let removedPodguard = Set((old?.taints ?? []).map(\.key).filter(Self.isPodguardTaint))
            .subtracting(node.taints.map(\.key))
        guard !removedPodguard.isEmpty else { return }
        let problems = await checkNodeClean(node.name)
        state.withLock {
            $0.taintRemovals.append(TaintRemoval(node: node.name, keys: removedPodguard.sorted(), at: Date(), problems: problems))
        }
        log("node \(node.name) podguard taint removed \(removedPodguard.sorted())\(problems.isEmpty ? "" : " PROBLEMS: \(problems)")")
    }

    /// Starts (at POD_DELETED) and ends (when node-cleanup recorded the pod cleaned) the watch on
    /// the remediation's volumes: the array's mapping log position of each family at both moments.
    private func watchPublications(_ record: Podguard_V1_FenceRecord) {
        guard record.reason != .crashLoopBackOff, !record.dryRun, !record.fenceID.isEmpty else { return }
        let positions = cluster.backends.mapValues { $0.array.events.count }
        if record.phase == .podDeleted {
            let volumes = record.volumes.compactMap { status -> (family: ArrayFamilyID, handle: String)? in
                guard let family = cluster.backends.first(where: { $0.value.family.csiDriverName == status.volume.driver })?.key else { return nil }
                return (family, status.volume.volumeHandle)
            }
            state.withLock { state in
                if state.publicationWatches[record.fenceID] == nil {
                    state.publicationWatches[record.fenceID] = PublicationWatch(
                        pod: "\(record.pod.namespace)/\(record.pod.name)", node: record.nodeName, volumes: volumes, from: positions, until: nil)
                }
            }
        }
        if record.nodeCleanup.cleaned {
            state.withLock { state in
                if state.publicationWatches[record.fenceID]?.until == nil { state.publicationWatches[record.fenceID]?.until = positions }
            }
        }
    }

    /// Invariant 2 at the moment a podguard taint was seen removed: every pod force-deleted from the
    /// node so far has no mount left there and no container running there. Mounts are the moved
    /// pod's when their path names its uid (`/var/lib/kubelet/pods/<uid>/…`); a staging mount
    /// (no pod in its path) counts unless a pod running there now publishes the same volume.
    private func checkNodeClean(_ node: String) async -> [String] {
        let moved = state.withLock { $0.forced.filter { $0.node == node } }
        guard !moved.isEmpty else { return [] }
        let running = Set((try? cluster.snapshot(of: node).pods.map(\.uid)) ?? [])
        var problems: [String] = []
        for pod in moved {
            if running.contains(pod.uid) {
                problems.append("container of moved pod \(pod.namespace)/\(pod.name) \(pod.uid) still runs on \(node)")
            }
            for volume in await resolveVolumes(namespace: pod.namespace, claims: pod.claims) {
                let mounts = cluster.backends[volume.family]?.array.mounts(of: volume.handle, on: node) ?? []
                let podMounts = mounts.filter { $0.contains("/pods/") }
                let ofThisPod = podMounts.filter { $0.contains("/pods/\(pod.uid)/") }
                let staging = mounts.filter { !$0.contains("/pods/") }
                let usedByAnother = podMounts.contains { !$0.contains("/pods/\(pod.uid)/") }
                if !ofThisPod.isEmpty || (!staging.isEmpty && !usedByAnother) {
                    problems.append("volume \(volume.handle) of moved pod \(pod.namespace)/\(pod.name) \(pod.uid) still mounted on \(node): \(ofThisPod.union(usedByAnother ? [] : staging).sorted())")
                }
            }
        }
        return problems
    }

    private func fenceRecord(_ record: Podguard_V1_FenceRecord) {
        watchPublications(record)
        let uid = record.pod.uid
        let previous = state.withLock { state -> Podguard_V1_FenceRecord? in
            let previous = state.fenceRevisions[uid]?.last
            state.fenceRevisions[uid, default: []].append(record)
            return previous
        }
        if previous?.phase != record.phase || previous?.fenceID != record.fenceID {
            let extra = record.phase == .aborted ? " \(record.abortReason) \(record.abortMessage)" : ""
            log("fence \(record.pod.namespace)/\(record.pod.name) \(uid.prefix(8)) \(record.fenceID.prefix(8)) \(record.phase) by \(record.header.producerID)\(extra)")
        }
        if record.hasNodeCleanup, record.nodeCleanup.cleaned, previous?.nodeCleanup.cleaned != true {
            log("fence \(record.pod.namespace)/\(record.pod.name) \(uid.prefix(8)) node-cleanup cleaned on \(record.nodeName)")
        }
    }

    private func note(alert: Podguard_V1_Alert) {
        state.withLock { $0.alerts.append(alert) }
        log("alert \(alert.severity) \(alert.reason) \(alert.nodeName) \(alert.pod.namespace)/\(alert.pod.name): \(alert.summary)")
    }

    private func note(report: Podguard_V1_CleanupReport) {
        state.withLock { $0.cleanupReports.append(report) }
        let pods = report.pods.map { "\($0.pod.name)=\($0.outcome)" }.joined(separator: ",")
        log("cleanup \(report.nodeName) attempt \(report.attempt) removed \(report.taintRemoved) kept '\(report.taintKeptReason)' pods [\(pods)] zombies \(report.zombieContainers.count)")
    }

    func recordIO(volume: String, active: Bool) {
        state.withLock { if active { $0.ioActive.insert(volume) } else { $0.ioActive.remove(volume) } }
        log("I/O \(active ? "on" : "off") \(volume)")
    }

    // MARK: Queries

    public var timeline: [String] { state.withLock { $0.timeline } }
    public var forcedDeletions: [ForcedDeletion] { state.withLock { $0.forced } }
    public var taintRemovals: [TaintRemoval] { state.withLock { $0.taintRemovals } }
    public var alerts: [Podguard_V1_Alert] { state.withLock { $0.alerts } }
    public var cleanupReports: [Podguard_V1_CleanupReport] { state.withLock { $0.cleanupReports } }
    public var decisions: [Podguard_V1_DecisionRecord] { state.withLock { $0.decisions } }

    /// Every put of the pod's FenceRecord, oldest first.
    public func fenceRecords(podUID uid: String) -> [Podguard_V1_FenceRecord] { state.withLock { $0.fenceRevisions[uid] ?? [] } }
    /// The latest FenceRecord of every pod uid.
    public var latestFenceRecords: [Podguard_V1_FenceRecord] { state.withLock { $0.fenceRevisions.values.compactMap(\.last) } }
    /// Every taint key the node ever carried while audited.
    public func taintsSeen(on node: String) -> Set<String> { state.withLock { $0.taintsSeen[node] ?? [] } }
    /// Taint keys added to the node since `date`.
    public func taintKeysAdded(on node: String, since date: Date) -> Set<String> {
        state.withLock { Set($0.taintsAdded.filter { $0.node == node && $0.at >= date }.map(\.key)) }
    }
    public func forcedDeletion(uid: String) -> ForcedDeletion? { state.withLock { $0.forced.first { $0.uid == uid } } }

    struct ResolvedVolume: Hashable {
        var family: ArrayFamilyID
        var handle: String
        var readWriteMany: Bool
    }

    /// The CSI volumes of simulated families behind a pod's claims (claims and PVs outlive the pod).
    func resolveVolumes(namespace: String, claims: [String]) async -> [ResolvedVolume] {
        var result: [ResolvedVolume] = []
        for claim in claims {
            guard let pvc = try? await kube.getIfPresent(PersistentVolumeClaim.self, name: claim, namespace: namespace),
                  let pvName = pvc.spec?.volumeName, !pvName.isEmpty,
                  let pv = try? await kube.getIfPresent(PersistentVolume.self, name: pvName),
                  let source = pv.spec?.csi,
                  let family = cluster.backends.first(where: { $0.value.family.csiDriverName == source.driver })?.key
            else { continue }
            result.append(ResolvedVolume(family: family, handle: source.volumeHandle,
                                         readWriteMany: pv.spec?.accessModes?.contains("ReadWriteMany") == true))
        }
        return result
    }
}
