import Contracts
import Foundation

/// One remediation per workload per outage.
///
/// When a storage path is lost on several nodes at once but not on enough of them to open the
/// outage breaker (`OutageBreaker`), a fenced pod's replacement may start on another node that has
/// the same problem, be fenced there, and so on: every round costs a force delete and a restart and
/// proves nothing new. So a workload moved once is not moved again on a storage-side trigger
/// (array connectivity loss, the podguard or driver-offline taint) within `window`; an operator is
/// told instead. A kubelet that stops (the unreachable taint) is a failure of its own and is never
/// held back. Pure.
public enum RepeatGuard {
    /// The apiserver stamps creation, fencing the deletion: allowed difference of their clocks.
    static let clockSkew: TimeInterval = 5

    /// A finished remediation: the pod was deleted by it.
    public struct Remediation: Sendable, Equatable {
        public var podUID: String
        public var node: String
        public var deletedAt: Date

        public init(podUID: String, node: String, deletedAt: Date) {
            self.podUID = podUID
            self.node = node
            self.deletedAt = deletedAt
        }
    }

    /// `earlier` with `remediation` added (once per pod uid) and those older than `window` dropped:
    /// what a caller keeps per workload.
    public static func remembering(_ remediation: Remediation, in earlier: [Remediation], now: Date,
                                   window: Duration?) -> [Remediation] {
        var kept = earlier.filter { now.timeIntervalSince($0.deletedAt) < (window?.seconds ?? 0) }
        if !kept.contains(where: { $0.podUID == remediation.podUID }) { kept.append(remediation) }
        return kept
    }

    /// The identity a remediation counts against: a StatefulSet pod's name (it comes back under
    /// it), else the owner (a ReplicaSet's replacement has a new name), else the pod.
    public static func workload(_ pod: Podguard_V1_PodState) -> String {
        switch pod.ownerKind {
        case "StatefulSet": "\(pod.namespace)/StatefulSet/\(pod.ownerName)/\(pod.name)"
        case "": "\(pod.namespace)/Pod/\(pod.name)"
        default: "\(pod.namespace)/\(pod.ownerKind)/\(pod.ownerName)"
        }
    }

    /// Why a fence of this pod must wait; nil when it may go. `earlier`: this workload's finished
    /// remediations; `created`: when this pod was created (nil: unknown, never held back).
    public static func withhold(rule: PodDecision.Rule, podUID: String, node: String, created: Date?,
                                earlier: [Remediation], now: Date, window: Duration) -> String? {
        switch rule {
        case .arrayConnectivityLoss, .podguardTaint, .driverOfflineTaint: break
        default: return nil
        }
        let seconds = window.seconds
        guard let created else { return nil }
        // Only a pod created after an earlier remediation deleted its predecessor is a repeat: pods
        // that were there together (one node's evacuation, or two nodes failing at once) are not.
        let previous = earlier
            .filter { $0.podUID != podUID && $0.deletedAt.addingTimeInterval(-clockSkew) <= created
                && now.timeIntervalSince($0.deletedAt) < seconds }
            .max { $0.deletedAt < $1.deletedAt }
        guard let previous else { return nil }
        let ago = Int(max(0, now.timeIntervalSince(previous.deletedAt)).rounded())
        return "this workload was already moved off \(previous.node) \(ago) s ago, and its replacement on \(node) has a storage-side fault too: one remediation per workload per outage (policy.repeatWindow \(Int(seconds)) s); waiting for an operator or the end of the window"
    }
}
