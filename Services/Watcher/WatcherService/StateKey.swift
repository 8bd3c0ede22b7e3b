import Contracts

/// One snapshot the watcher keeps: a node's or a protected pod's.
public enum StateKey: Sendable, Hashable {
    case node(name: String)
    case pod(namespace: String, name: String)

    /// The key in its bucket (subject-token encoded).
    public var bucketKey: String {
        switch self {
        case .node(let name): PodguardKeys.node(name)
        case .pod(let namespace, let name): PodguardKeys.pod(namespace: namespace, name: name)
        }
    }
}
