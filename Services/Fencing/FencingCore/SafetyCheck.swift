public import Contracts
public import Foundation
public import Policy

/// fencing's own re-check of safety invariant 1 against the live objects, at the start of every
/// delivery of a request, whatever phase its record shows: decision only asks, and a record on the
/// bus is no proof, so a stale, wrong or forged request or record must not delete a pod. Pure.
public enum SafetyCheck {
    public enum Verdict: Sendable, Hashable {
        /// Go on; with `arrayProofRequired` only on the array's "disconnected and idle".
        case safe(String, arrayProofRequired: Bool = false)
        /// The pod is gone or its name belongs to another uid or node.
        case podGone(String)
        /// The pod must not be touched (Ready again, trigger gone, ...).
        case unsafe(String)
    }

    public static func evaluate(_ request: Podguard_V1_FenceRequest, pod: LivePod?, node: LiveNode?,
                                taintKeys: TaintKeys, now: Date) -> Verdict {
        let name = "\(request.pod.namespace)/\(request.pod.name)"
        guard let pod else { return .podGone("pod \(name) no longer exists") }
        guard pod.uid == request.pod.uid else { return .podGone("pod \(name) now has uid \(pod.uid), not \(request.pod.uid)") }
        guard pod.nodeName == request.nodeName else {
            return .podGone("pod \(name) is now on node '\(pod.nodeName)', not \(request.nodeName)")
        }
        if let node, !request.nodeUid.isEmpty, !node.uid.isEmpty, node.uid != request.nodeUid {
            return .unsafe("node \(request.nodeName) was re-registered (uid \(node.uid), not \(request.nodeUid))")
        }
        // A Ready condition nobody can update any more is no proof of life (`NotReadyEvidence`),
        // but then only the array may prove the node safe.
        let silentNode = pod.ready && request.reason != .crashLoopBackOff && (node?.isSilent(at: now) ?? false)
        if pod.ready && !silentNode { return .unsafe("pod \(name) is Ready again") }
        let verdict = trigger(request, name: name, pod: pod, node: node, taintKeys: taintKeys)
        guard silentNode, case .safe(let note, _) = verdict else { return verdict }
        return .safe("\(note); it still reports Ready, but node \(request.nodeName) is silent (Ready \(node?.ready == .false ? "False" : "Unknown"), unreachable): the array must prove it disconnected and idle",
                     arrayProofRequired: true)
    }

    private static func trigger(_ request: Podguard_V1_FenceRequest, name: String, pod: LivePod, node: LiveNode?,
                                taintKeys: TaintKeys) -> Verdict {
        switch request.reason {
        case .crashLoopBackOff:
            return pod.crashLoopBackOff ? .safe("pod \(name) is not Ready and in CrashLoopBackOff")
                                        : .unsafe("pod \(name) is no longer in CrashLoopBackOff")
        case .nodeFailure, .driverPodOffline:
            guard let node else { return .unsafe("node \(request.nodeName) no longer exists") }
            // decision's own taint triggers, read from the live node.
            var live = Podguard_V1_DecisionInputs()
            live.noteNodeTaints(node.contractTaints, keys: taintKeys)
            guard let (rule, _, _) = DecisionPolicy.trigger(live), rule != .arrayConnectivityLoss else {
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
