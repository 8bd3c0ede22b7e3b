public import Contracts

/// The Kubernetes Event texts podmon emits, rendered exactly as podmon renders them (its Go code
/// formats the argument slice as one `%s`, hence the brackets), so runbooks and alerts that match
/// on them keep working (docs/operations.md lists them).
public enum PodmonEventText {
    public static func cleaning(podUID: String, node: String) -> String {
        "podmon cleaning pod [\(podUID) \(node)] with force delete"
    }

    /// The Event of a validation abort; nil for the other abort reasons (their texts are fencing's).
    public static func aborted(podUID: String, node: String, reason: Podguard_V1_AbortReason) -> String? {
        switch reason {
        case .arrayConnectedOrIo:
            "podmon aborted pod cleanup [\(podUID) \(node)] array connected or recent I/O"
        case .missingCsiAnnotations:
            "podmon aborted pod cleanup [\(podUID) \(node)] due to missing CSI annotations"
        case .validationError:
            "podmon aborted pod cleanup [\(podUID) \(node)] due to error while validating volume host connectivity"
        case .noArrayProof:
            // podguard's own case (podmon never acts on a pod that reports Ready).
            "podmon aborted pod cleanup [\(podUID) \(node)] no array proof the node is disconnected and idle"
        default:
            nil
        }
    }

    public static func couldNotFence(podUID: String, node: String) -> String {
        "podmon aborted pod cleanup [\(podUID) \(node)] couldn't fence volumes"
    }

    public static func crashLoopDelete(podUID: String, node: String, retry: Int) -> String {
        "podmon cleaning pod [\(podUID) \(node) retry: \(retry)] with delete"
    }

    /// The Event reason for a fence reason: podmon's `NodeFailure` / `ArrayConnectivityLoss`.
    public static func reason(nodeFailure: Bool) -> String {
        nodeFailure ? "NodeFailure" : "ArrayConnectivityLoss"
    }
}
