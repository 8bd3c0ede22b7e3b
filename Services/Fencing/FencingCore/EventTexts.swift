public import Contracts
public import Policy

/// The Kubernetes Events fencing records on a pod: podmon's texts where podmon has one
/// (`PodmonEventText`, byte for byte), and podguard's own in the same form for the aborts podmon
/// does not have, so one runbook pattern ("podmon aborted pod cleanup [<uid> <node>] ...") matches all.
public enum EventTexts {
    /// The Event reason: the FenceReason's CamelCase name (podmon's NodeFailure, ArrayConnectivityLoss,
    /// CrashLoopBackOff; DriverPodOffline is podguard's).
    public static func reason(_ reason: Podguard_V1_FenceReason) -> String {
        switch reason {
        case .nodeFailure, .unspecified, .UNRECOGNIZED: PodmonEventText.reason(nodeFailure: true)
        case .arrayConnectivityLoss: PodmonEventText.reason(nodeFailure: false)
        case .driverPodOffline: "DriverPodOffline"
        case .crashLoopBackOff: "CrashLoopBackOff"
        }
    }

    /// The Event just before the pod is deleted.
    public static func cleaning(_ request: Podguard_V1_FenceRequest) -> String {
        if request.reason == .crashLoopBackOff {
            return PodmonEventText.crashLoopDelete(podUID: request.pod.uid, node: request.nodeName, retry: Int(request.crashLoopRetry))
        }
        return PodmonEventText.cleaning(podUID: request.pod.uid, node: request.nodeName)
    }

    /// The Event of an abort; nil for the aborts that record none (the pod is gone or replaced, a
    /// dry run changes nothing).
    public static func aborted(_ reason: Podguard_V1_AbortReason, podUID: String, node: String) -> String? {
        let prefix = "podmon aborted pod cleanup [\(podUID) \(node)]"
        switch reason {
        case .arrayConnectedOrIo, .missingCsiAnnotations, .validationError, .noArrayProof:
            return PodmonEventText.aborted(podUID: podUID, node: node, reason: reason)
        case .fenceFailed: return PodmonEventText.couldNotFence(podUID: podUID, node: node)
        case .csiUnavailable: return "\(prefix) CSI driver unavailable"
        case .taintFailed: return "\(prefix) couldn't taint node"
        case .attachmentDeleteFailed: return "\(prefix) couldn't delete VolumeAttachments"
        case .podDeleteFailed: return "\(prefix) couldn't delete pod"
        case .safetyCheckFailed: return "\(prefix) safety re-check failed"
        case .nodeNotProvenSafe: return "\(prefix) node could not be proven safe"
        case .podReplaced, .dryRun, .unspecified, .UNRECOGNIZED: return nil
        }
    }
}
