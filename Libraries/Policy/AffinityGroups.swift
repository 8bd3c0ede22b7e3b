/// Pods that must stay together (a required pod-affinity on `kubernetes.io/hostname`) are moved
/// together: podmon processes every pod of the same node whose affinity labels are equal as one
/// group (as in podmon). The group key is the node plus the sorted labels.
public enum AffinityGroups {
    public struct Member<ID: Hashable & Sendable>: Sendable {
        public var id: ID
        public var node: String
        public var affinityLabels: [String: String]

        public init(id: ID, node: String, affinityLabels: [String: String]) {
            self.id = id
            self.node = node
            self.affinityLabels = affinityLabels
        }
    }

    /// The group key of a pod, or "" when it has no hostname affinity (it is a group of its own).
    public static func key(node: String, affinityLabels: [String: String]) -> String {
        guard !affinityLabels.isEmpty else { return "" }
        let labels = affinityLabels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        return "\(node)/\(labels)"
    }

    /// Groups in first-seen order; each member keeps its input order inside its group.
    public static func group<ID>(_ members: [Member<ID>]) -> [[Member<ID>]] {
        var order: [String] = []
        var groups: [String: [Member<ID>]] = [:]
        var singles = 0
        for member in members {
            var key = key(node: member.node, affinityLabels: member.affinityLabels)
            if key.isEmpty {
                key = "#\(singles)"
                singles += 1
            }
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(member)
        }
        return order.map { groups[$0]! }
    }
}
