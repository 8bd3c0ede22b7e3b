/// Why a configuration could not be built.
public enum KubeConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case invalid(String)
    case notInCluster(String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read \(path): \(reason)"
        case .invalid(let reason): return "invalid configuration: \(reason)"
        case .notInCluster(let reason): return "not running in a cluster: \(reason)"
        }
    }
}
