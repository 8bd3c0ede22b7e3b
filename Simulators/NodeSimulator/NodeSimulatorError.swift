/// Why a node simulator call was refused.
public enum NodeSimulatorError: Error, Sendable, CustomStringConvertible, Equatable {
    case unknownNode(String)
    /// The fault does not apply in the node's current state (e.g. recover what is not injected).
    case invalidTransition(node: String, state: NodeLifecycle, fault: NodeFault, recovering: Bool)
    case notFamily(String)
    case notStarted

    public var description: String {
        switch self {
        case .unknownNode(let name): "no simulated node \(name)"
        case .invalidTransition(let node, let state, let fault, let recovering):
            "node \(node) is \(state.rawValue): cannot \(recovering ? "recover from" : "inject") \(fault.rawValue)"
        case .notFamily(let name): "family \(name) is not simulated"
        case .notStarted: "the simulated cluster is not started"
        }
    }
}
