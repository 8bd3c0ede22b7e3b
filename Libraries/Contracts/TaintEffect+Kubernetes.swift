extension Podguard_V1_TaintEffect {
    /// The contract's effect of a Kubernetes taint effect ("NoSchedule", "PreferNoSchedule",
    /// "NoExecute"); anything else is `.unspecified`.
    public init(kubernetes effect: String?) {
        self = switch effect {
        case "NoSchedule": .noSchedule
        case "PreferNoSchedule": .preferNoSchedule
        case "NoExecute": .noExecute
        default: .unspecified
        }
    }

    /// The Kubernetes name of the effect; an unspecified one is written as NoSchedule (podguard's
    /// own taints are NoSchedule).
    public var kubernetesName: String {
        switch self {
        case .noExecute: "NoExecute"
        case .preferNoSchedule: "PreferNoSchedule"
        case .noSchedule, .unspecified, .UNRECOGNIZED: "NoSchedule"
        }
    }
}
