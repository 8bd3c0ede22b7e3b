public import Contracts
public import Foundation
import SwiftProtobuf

/// decision's copy of the state on the bus: the latest value of every key of the pods, nodes,
/// connectivity and fences buckets. Values only ever come from the buckets, so every decision
/// replica converges on the same mirror.
///
/// Indexed by node and with running fence counts, because at cluster scale (tens of thousands of
/// pods) every node heartbeat and every fence that ends is a change: answering "which pods are on
/// this node" or "how many fences are live" by scanning everything would cost a full pass each.
public struct ClusterMirror: Sendable {
    public private(set) var pods: [String: Podguard_V1_PodState] = [:]
    public private(set) var nodes: [String: Podguard_V1_NodeState] = [:]
    /// Key "<family>.<node>" as in the bucket.
    public private(set) var connectivity: [String: Podguard_V1_ArrayConnectivity] = [:]
    /// When the server stored each verdict (what its freshness counts from).
    private var connectivityStoredAt: [String: Date] = [:]
    /// Key: pod uid.
    public private(set) var fences: [String: Podguard_V1_FenceRecord] = [:]

    /// Pod keys by the node they are bound to.
    private var podKeysByNode: [String: Set<String>] = [:]
    /// Connectivity keys by node.
    private var connectivityKeysByNode: [String: Set<String>] = [:]
    /// Live fences (started, not terminal) by node.
    public private(set) var liveFencesByNode: [String: Int] = [:]
    public private(set) var liveFenceCount = 0

    public init() {}

    public enum Change: Sendable {
        case pod(key: String, Podguard_V1_PodState?)
        case node(name: String, Podguard_V1_NodeState?)
        /// `storedAt`: the KV entry's time; a verdict given without it (a test's) counts from its
        /// `produced_at`.
        case connectivity(key: String, Podguard_V1_ArrayConnectivity?, storedAt: Date? = nil)
        case fence(podUID: String, Podguard_V1_FenceRecord?)
    }

    /// What a change may affect.
    public enum Affected: Sendable, Equatable {
        /// The decisions of these pods (keys "<namespace>.<name>") may change.
        case pods(Set<String>)
        /// A fence started or ended: the storm counts changed, so every pod waiting on them may
        /// change, as well as the fence's own pods.
        case fenceCounts(podKeys: Set<String>)
    }

    /// Applies a change and says whose decision may change.
    public mutating func apply(_ change: Change) -> Affected {
        switch change {
        case .pod(let key, let pod):
            if let previous = pods[key]?.nodeName { Self.remove(key, from: previous, in: &podKeysByNode) }
            pods[key] = pod
            if let node = pod?.nodeName { podKeysByNode[node, default: []].insert(key) }
            return .pods([key])
        case .node(let name, let node):
            nodes[name] = node
            return .pods(podKeys(onNode: name))
        case .connectivity(let key, let value, let storedAt):
            let previous = connectivity[key]
            if let node = previous?.nodeName { Self.remove(key, from: node, in: &connectivityKeysByNode) }
            connectivity[key] = value
            connectivityStoredAt[key] = value.map { storedAt ?? $0.header.producedAt.date }
            if let node = value?.nodeName { connectivityKeysByNode[node, default: []].insert(key) }
            guard let node = value?.nodeName ?? previous?.nodeName else { return .pods([]) }
            return .pods(podKeys(onNode: node))
        case .fence(let uid, let record):
            let previous = fences[uid]
            if let previous, Self.isLive(previous) { countLive(previous.nodeName, by: -1) }
            fences[uid] = record
            if let record, Self.isLive(record) { countLive(record.nodeName, by: 1) }
            let podKeys = Set([previous?.pod, record?.pod].compactMap { $0 }.map { PodguardKeys.pod(namespace: $0.namespace, name: $0.name) })
                .filter { pods[$0]?.uid == uid }
            let wasLive = previous.map(Self.isLive) ?? false
            let isLive = record.map(Self.isLive) ?? false
            return wasLive == isLive ? .pods(podKeys) : .fenceCounts(podKeys: podKeys)
        }
    }

    public func podKeys(onNode node: String) -> Set<String> {
        podKeysByNode[node] ?? []
    }

    public func connectivity(ofNode node: String) -> [Podguard_V1_ArrayConnectivity] {
        (connectivityKeysByNode[node] ?? []).sorted().compactMap { connectivity[$0] }
    }

    /// The verdicts that still stand at `now` (`ConnectivityFreshness`), of one node or of all.
    public func currentConnectivity(ofNode node: String? = nil, at now: Date) -> [Podguard_V1_ArrayConnectivity] {
        let keys = node.map { connectivityKeysByNode[$0] ?? [] } ?? Set(connectivity.keys)
        return keys.sorted().compactMap { key in
            guard let verdict = connectivity[key], let storedAt = connectivityStoredAt[key],
                  ConnectivityFreshness.isCurrent(verdict, storedAt: storedAt, at: now) else { return nil }
            return verdict
        }
    }

    /// Started and not terminal (`FenceRecord.isLive`).
    public static func isLive(_ record: Podguard_V1_FenceRecord) -> Bool { record.isLive }


    private mutating func countLive(_ node: String, by delta: Int) {
        liveFenceCount += delta
        let count = (liveFencesByNode[node] ?? 0) + delta
        liveFencesByNode[node] = count > 0 ? count : nil
    }

    private static func remove(_ key: String, from node: String, in index: inout [String: Set<String>]) {
        index[node]?.remove(key)
        if index[node]?.isEmpty == true { index[node] = nil }
    }
}
