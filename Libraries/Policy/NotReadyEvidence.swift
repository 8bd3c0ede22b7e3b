import Contracts
import SwiftProtobuf

/// What may say that a pod is not Ready.
///
/// podmon waits for the pod's own Ready condition, which the node controller flips with one API
/// call per pod at its own client rate: a node with a hundred pods is marked over seconds, and a
/// storm of three such nodes over half a minute. But once a node is silent — its Ready condition
/// Unknown (or False) and `node.kubernetes.io/unreachable` on it — no kubelet reports its pods any
/// more, so a pod there that still shows Ready=True shows a stale value, not a fact. With
/// `.nodeSilence` such a pod is treated as not Ready at once; because that is an inference, the
/// fence then needs the array's proof that the node is disconnected and idle (see
/// `FenceValidation.NodeContext.arrayProofRequired` in FencingCore).
public enum NotReadyEvidence: Sendable, Equatable {
    /// podmon's rule: only the pod's own Ready condition.
    case podCondition
    /// The pod's own condition, or its node's silence for at least `grace`.
    case nodeSilence(grace: Duration)

    /// The node is silent: its Ready condition has been Unknown or False for at least `grace` and it
    /// carries `node.kubernetes.io/unreachable`. `notReadyFor` is nil while the node is Ready or
    /// the time of its transition is not known.
    public static func nodeSilent(nodeReady: Podguard_V1_ConditionStatus, notReadyFor: Duration?,
                                  unreachableTainted: Bool, grace: Duration) -> Bool {
        guard unreachableTainted, nodeReady == .unknown || nodeReady == .false, let notReadyFor else { return false }
        return notReadyFor >= grace
    }

    /// Why a pod whose own condition says Ready is treated as not Ready; nil when it is not.
    public func overridesReady(_ inputs: Podguard_V1_DecisionInputs) -> String? {
        guard case .nodeSilence(let grace) = self, inputs.podReady == .true else { return nil }
        let unreachable = inputs.nodeUnreachableNoSchedule || inputs.nodeUnreachableNoExecute
        let notReadyFor = inputs.hasNodeNotReadyFor ? Self.duration(inputs.nodeNotReadyFor) : nil
        guard Self.nodeSilent(nodeReady: inputs.nodeReady, notReadyFor: notReadyFor,
                              unreachableTainted: unreachable, grace: grace), let notReadyFor else { return nil }
        let status = inputs.nodeReady == .unknown ? "Unknown" : "False"
        return "the pod reports Ready, but its node has been Ready=\(status) for \(Self.seconds(notReadyFor)) and carries node.kubernetes.io/unreachable: no kubelet reports the pod, so it is treated as not Ready (the array must prove the node disconnected and idle)"
    }

    static func duration(_ value: Google_Protobuf_Duration) -> Duration {
        .seconds(value.seconds) + .nanoseconds(Int64(value.nanos))
    }

    static func seconds(_ duration: Duration) -> String {
        let value = duration.seconds
        return value < 10 ? "\((value * 10).rounded() / 10) s" : "\(Int(value.rounded())) s"
    }
}
