public import Contracts
public import Foundation
public import SwiftProtobuf
public import Policy

/// When the trigger a decision acts on became visible: the start of the failover timeline
/// (FenceRequest.detected_at, `podguard_failover_phase_seconds{phase="detection_to_decision"}`).
/// Pure.
///
/// A rule fires when its trigger holds *and* the pod is not Ready, so the detection time is the
/// later of the two: the trigger's own time (below) and the pod's Ready transition when the pod is
/// not Ready. Kubernetes records a taint's `timeAdded` only for NoExecute taints, so for
/// `node.kubernetes.io/unreachable` the node's Ready transition (the moment the node controller
/// declared it unreachable and tainted it) stands in; a snapshot's `observed_at` is the last resort.
/// The result is never later than `now` (the clocks of apiserver, kubelet and decision differ).
public enum DetectionTime {
    public struct Detection: Sendable, Equatable {
        public var at: Date
        /// Which observation `at` is the time of (FenceRequest.detected_by).
        public var by: String

        public init(at: Date, by: String) {
            self.at = at
            self.by = by
        }
    }

    public static func detection(rule: PodDecision.Rule, pod: Podguard_V1_PodState, node: Podguard_V1_NodeState?,
                                 connectivity: [Podguard_V1_ArrayConnectivity], taintKeys: TaintKeys, now: Date) -> Detection {
        var found: Detection?
        switch rule {
        case .nodeUnreachableTaint:
            found = earliestTaint(node) { $0 == TaintKeys.unreachable }
                ?? node.flatMap { node in
                    node.ready != .true && node.hasReadyLastTransition ? Detection(at: node.readyLastTransition.date, by: "node Ready transition") : nil
                }
                ?? nodeObserved(node)
        case .podguardTaint:
            found = earliestTaint(node, taintKeys.isPodguard) ?? nodeObserved(node)
        case .driverOfflineTaint:
            found = earliestTaint(node, taintKeys.isDriverOffline) ?? nodeObserved(node)
        case .arrayConnectivityLoss:
            found = connectivity
                .filter { $0.verdict == .lost && $0.hasLostSince && ($0.nodeUid.isEmpty || node == nil || $0.nodeUid == node?.uid) }
                .map { Detection(at: $0.lostSince.date, by: "\(PodguardSubjects.token($0.family)) connectivity lost_since") }
                .min { $0.at < $1.at }
        case .crashLoopBackOff:
            found = pod.hasObservedAt ? Detection(at: pod.observedAt.date, by: "pod observed in CrashLoopBackOff") : nil
        default:
            found = nil
        }
        var detection = found ?? Detection(at: now, by: "decision (no observation time known)")
        if rule != .crashLoopBackOff, pod.ready != .true, pod.hasReadyLastTransition, pod.readyLastTransition.date > detection.at {
            detection = Detection(at: pod.readyLastTransition.date, by: "pod Ready transition")
        }
        if detection.at > now { detection.at = now }
        return detection
    }

    /// detected_at → requested_at of a failover request (not a CrashLoopBackOff delete or a dry
    /// run, which move no pod off a failed node); never negative. The phase as fencing and
    /// `podguard history` read it (Libraries/Policy/FailoverMoments+Phases.swift), on the request
    /// alone: decision observes it when its claim succeeds, before any record is read back.
    public static func detectionToDecision(_ request: Podguard_V1_FenceRequest) -> Duration? {
        guard FailoverMoments.isFailover(request) else { return nil }
        return FailoverMoments(request).duration(.detectionToDecision)
    }

    /// The earliest `time_added` of the node's taints whose key matches.
    public static func earliestTaint(_ node: Podguard_V1_NodeState?, _ matches: (String) -> Bool) -> Detection? {
        node?.taints
            .filter { matches($0.key) && $0.hasTimeAdded }
            .map { Detection(at: $0.timeAdded.date, by: "taint \($0.key):\($0.effect.kubernetesName) time_added") }
            .min { $0.at < $1.at }
    }

    public static func nodeObserved(_ node: Podguard_V1_NodeState?) -> Detection? {
        guard let node, node.hasObservedAt else { return nil }
        return Detection(at: node.observedAt.date, by: "node observed")
    }
}
