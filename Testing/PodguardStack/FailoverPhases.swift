public import Contracts
import Foundation
import SwiftProtobuf

/// When each step of one pod's failover happened, read off a ``FailoverTimeline``: the trigger on
/// its node, the decision, every fencing phase, the force delete, the replacement running.
public struct PodFailoverPhases: Sendable {
    public var pod: PodReference
    /// The Kubernetes trigger on the pod's node, whichever the watch showed first: its Ready
    /// condition leaving `True` (`Unknown` when the node controller stops hearing the kubelet) or
    /// the `node.kubernetes.io/unreachable` taint.
    public var trigger: FailoverEvent?
    public var notReady: FailoverEvent?
    /// The DecisionRecord that requested the fence (decision's timestamp).
    public var decision: FailoverEvent?
    /// FenceRecord transitions by phase (fencing's timestamps; the first time each phase was entered).
    public var phases: [Podguard_V1_FencePhase: FailoverEvent] = [:]
    public var abortions: [FailoverEvent] = []
    /// The pod object gone (watch).
    public var deleted: FailoverEvent?
    public var forced = false
    /// A new pod of the same name running Ready (watch), and where.
    public var replacement: FailoverEvent?
    public var replacementNode: String?

    /// Seconds from the trigger to an event (wall clocks; nil if either is missing).
    public func sinceTrigger(_ event: FailoverEvent?) -> Double? {
        guard let trigger, let event else { return nil }
        return event.at.timeIntervalSince(trigger.at)
    }
}

extension FailoverEvent.Kind {
    /// The Kubernetes trigger of a node failure on `node` (see ``PodFailoverPhases/trigger``).
    public func isNodeFailureTrigger(on node: String) -> Bool {
        switch self {
        case .nodeReady(let name, let status, _): name == node && status != "True"
        case .taintAdded(let name, let key, _): name == node && key == "node.kubernetes.io/unreachable"
        default: false
        }
    }
}

extension FailoverTimeline {
    /// The phases of the pod `old` (its uid before the failure), from events after `since`.
    public func phases(of old: PodReference, since: ContinuousClock.Instant) -> PodFailoverPhases {
        var result = PodFailoverPhases(pod: old)
        for event in events where event.observed >= since {
            switch event.kind {
            case .taintAdded(let node, let key, _) where node == old.node && key == "node.kubernetes.io/unreachable":
                if result.trigger == nil { result.trigger = event }
            case .nodeReady(let node, let status, _) where node == old.node && status != "True":
                if result.trigger == nil { result.trigger = event }
            case .podNotReady(let pod) where pod.uid == old.uid:
                if result.notReady == nil { result.notReady = event }
            case .decision(let record) where record.pod.uid == old.uid && record.outcome == .fenceRequested:
                if result.decision == nil { result.decision = event }
            case .fencePhase(let record, let transition) where record.pod.uid == old.uid:
                if transition.phase == .aborted { result.abortions.append(event) }
                else if result.phases[transition.phase] == nil { result.phases[transition.phase] = event }
            case .podDeleted(let pod, let forced) where pod.uid == old.uid:
                result.deleted = event
                result.forced = forced
            case .podRunning(let pod) where pod.namespace == old.namespace && pod.name == old.name && pod.uid != old.uid:
                if result.replacement == nil {
                    result.replacement = event
                    result.replacementNode = pod.node
                }
            default:
                break
            }
        }
        return result
    }

    /// The first event after `since` matching `predicate`.
    public func first(since: ContinuousClock.Instant, where predicate: (FailoverEvent.Kind) -> Bool) -> FailoverEvent? {
        events.first { $0.observed >= since && predicate($0.kind) }
    }
}
