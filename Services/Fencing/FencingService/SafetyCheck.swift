import Contracts
import Policy

/// fencing's own re-check of safety invariant 1 against the live objects, at the start of every
/// delivery of a request, whatever phase its record shows: decision only asks, and a record on the
/// bus is no proof, so a stale, wrong or forged request or record must not delete a pod. Pure.
public enum SafetyCheck {
    public enum Verdict: Sendable, Hashable {
        case safe(String)
        /// The pod is gone or its name belongs to another uid or node.
        case podGone(String)
        /// The pod must not be touched (Ready again, trigger gone, ...).
        case unsafe(String)
    }

    public static func evaluate(_ request: Podguard_V1_FenceRequest, pod: LivePod?, node: LiveNode?,
                                taintKeys: TaintKeys) -> Verdict {
        let name = "\(request.pod.namespace)/\(request.pod.name)"
        guard let pod else { return .podGone("pod \(name) no longer exists") }
        guard pod.uid == request.pod.uid else { return .podGone("pod \(name) now has uid \(pod.uid), not \(request.pod.uid)") }
        guard pod.nodeName == request.nodeName else {
            return .podGone("pod \(name) is now on node '\(pod.nodeName)', not \(request.nodeName)")
        }
        if pod.ready { return .unsafe("pod \(name) is Ready again") }
        if let node, !request.nodeUid.isEmpty, !node.uid.isEmpty, node.uid != request.nodeUid {
            return .unsafe("node \(request.nodeName) was re-registered (uid \(node.uid), not \(request.nodeUid))")
        }
        switch request.reason {
        case .crashLoopBackOff:
            return pod.crashLoopBackOff ? .safe("pod \(name) is not Ready and in CrashLoopBackOff")
                                        : .unsafe("pod \(name) is no longer in CrashLoopBackOff")
        case .nodeFailure, .driverPodOffline:
            guard let node else { return .unsafe("node \(request.nodeName) no longer exists") }
            guard node.isUnreachable || node.isPodguardTainted(taintKeys) else {
                return .unsafe("node \(request.nodeName) no longer carries node.kubernetes.io/unreachable or a podguard/offline taint")
            }
            return .safe("pod \(name) is not Ready and node \(request.nodeName) is still tainted")
        case .arrayConnectivityLoss:
            // The trigger is the array's answer, which the validation step asks for again.
            return .safe("pod \(name) is not Ready; the array is asked again in validation")
        case .unspecified, .UNRECOGNIZED:
            return .unsafe("the request has no known reason")
        }
    }
}
