public import Contracts

/// One (family, node) pair to sample: the node runs protected pods with volumes of the family.
public struct ProbeTarget: Sendable, Hashable {
    public var family: Podguard_V1_ArrayFamily
    public var node: String
    public var nodeUID: String
    /// The node's CSI node id for the family's driver; empty when the node has none (the adapter
    /// answers INVALID_REQUEST, podmon's "missing CSI annotations").
    public var csiNodeID: String
    /// Arrays of the protected volumes on the node (each sampled and counted separately).
    public var arrayIDs: [String]

    public init(family: Podguard_V1_ArrayFamily, node: String, nodeUID: String, csiNodeID: String, arrayIDs: [String]) {
        self.family = family
        self.node = node
        self.nodeUID = nodeUID
        self.csiNodeID = csiNodeID
        self.arrayIDs = arrayIDs
    }

    private struct Pair: Hashable {
        var family: Podguard_V1_ArrayFamily
        var node: String
    }

    /// The key of the connectivity bucket and the subject suffix.
    public var key: String { PodguardKeys.connectivity(family: family, node: node) }

    /// Every pair that needs sampling, from the mirrored pods and nodes, sorted for determinism.
    public static func targets(pods: [Podguard_V1_PodState], nodes: [String: Podguard_V1_NodeState]) -> [ProbeTarget] {
        var arrays: [Pair: Set<String>] = [:]
        var drivers: [Pair: String] = [:]
        for pod in pods where !pod.nodeName.isEmpty {
            for volume in pod.volumes where volume.bound && volume.family != .unspecified {
                let pair = Pair(family: volume.family, node: pod.nodeName)
                arrays[pair, default: []].formUnion(volume.arrayIds)
                drivers[pair] = drivers[pair] ?? volume.driver
            }
        }
        return arrays.map { pair, ids in
            let node = nodes[pair.node]
            return ProbeTarget(family: pair.family, node: pair.node, nodeUID: node?.uid ?? "",
                               csiNodeID: drivers[pair].flatMap { node?.csiNodeIds[$0] } ?? "", arrayIDs: ids.sorted())
        }.sorted { ($0.node, $0.family.rawValue) < ($1.node, $1.family.rawValue) }
    }
}
