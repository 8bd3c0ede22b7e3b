public import ArrayFamily
public import Contracts

/// Where an adapter runs and so which half of the contract it serves.
public enum AdapterMode: Sendable, Hashable, CustomStringConvertible {
    /// Beside the CSI controller plugin: probe, validate-host-connectivity, controller-unpublish, in
    /// the family's queue group (replicas share the requests).
    case controller
    /// Beside the CSI node plugin of one node (a DaemonSet): probe, node-unpublish, node-unstage,
    /// list-containers on that node's subjects.
    case node(String)

    /// The operations this mode answers.
    public var operations: [AdapterOperation] {
        switch self {
        case .controller: AdapterOperation.allCases.filter(\.isControllerOperation)
        case .node: AdapterOperation.allCases.filter(\.isNodeOperation)
        }
    }

    /// The Kubernetes node of a node-mode adapter.
    public var nodeName: String? {
        if case .node(let name) = self { return name }
        return nil
    }

    public var description: String {
        switch self {
        case .controller: "controller"
        case .node(let name): "node \(name)"
        }
    }
}

extension AdapterMode {
    /// Who this adapter is on the bus: its family's controller or node adapter user.
    public func principal(family: ArrayFamilyID) -> BusPrincipal {
        switch self {
        case .controller: .controllerAdapter(AdapterSubjects.contractFamily(family))
        case .node: .nodeAdapter(AdapterSubjects.contractFamily(family))
        }
    }
}
