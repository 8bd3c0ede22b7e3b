import Contracts

/// decision's copy of the state on the bus: the latest value of every key of the pods, nodes,
/// connectivity and fences buckets. Values only ever come from the buckets, so every decision
/// replica converges on the same mirror.
public struct ClusterMirror: Sendable {
    public private(set) var pods: [String: Podguard_V1_PodState] = [:]
    public private(set) var nodes: [String: Podguard_V1_NodeState] = [:]
    /// Key "<family>.<node>" as in the bucket.
    public private(set) var connectivity: [String: Podguard_V1_ArrayConnectivity] = [:]
    /// Key: pod uid.
    public private(set) var fences: [String: Podguard_V1_FenceRecord] = [:]

    public init() {}

    public enum Change: Sendable {
        case pod(key: String, Podguard_V1_PodState?)
        case node(name: String, Podguard_V1_NodeState?)
        case connectivity(key: String, Podguard_V1_ArrayConnectivity?)
        case fence(podUID: String, Podguard_V1_FenceRecord?)
    }

    /// Applies a change and returns the pod keys ("<namespace>.<name>") whose decision may change.
    public mutating func apply(_ change: Change) -> Set<String> {
        switch change {
        case .pod(let key, let pod):
            pods[key] = pod
            return [key]
        case .node(let name, let node):
            nodes[name] = node
            return podKeys(onNode: name)
        case .connectivity(let key, let value):
            let previous = connectivity[key]
            connectivity[key] = value
            guard let node = value?.nodeName ?? previous?.nodeName else { return [] }
            return podKeys(onNode: node)
        case .fence(let uid, let record):
            let wasLive = fences[uid].map(Self.isLive) ?? false
            fences[uid] = record
            let isLive = record.map(Self.isLive) ?? false
            // A fence starting or ending changes the storm counts, which every waiting pod reads.
            if wasLive != isLive { return Set(pods.keys) }
            return Set(pods.filter { $0.value.uid == uid }.keys)
        }
    }

    public func podKeys(onNode node: String) -> Set<String> {
        Set(pods.filter { $0.value.nodeName == node }.keys)
    }

    public func connectivity(ofNode node: String) -> [Podguard_V1_ArrayConnectivity] {
        connectivity.values.filter { $0.nodeName == node }
    }

    /// Started and not terminal.
    public static func isLive(_ record: Podguard_V1_FenceRecord) -> Bool {
        record.phase != .podDeleted && record.phase != .aborted && record.phase != .unspecified
    }

    public var liveFences: [Podguard_V1_FenceRecord] { fences.values.filter(Self.isLive) }
}
