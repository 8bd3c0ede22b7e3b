public import Contracts
public import Foundation

extension FailoverMoments {
    /// A remediation that moved a pod off a failed node: not a dry run, not a CrashLoopBackOff
    /// delete (no failover: the pod is restarted on a healthy node). Only these are measured.
    public static func isFailover(_ record: Podguard_V1_FenceRecord) -> Bool {
        isFailover(reason: record.reason, dryRun: record.dryRun || record.request.dryRun)
    }

    /// The same rule on the request alone, as decision measures it when it claims the pod.
    public static func isFailover(_ request: Podguard_V1_FenceRequest) -> Bool {
        isFailover(reason: request.reason, dryRun: request.dryRun)
    }

    private static func isFailover(reason: Podguard_V1_FenceReason, dryRun: Bool) -> Bool {
        reason != .crashLoopBackOff && reason != .unspecified && !dryRun
    }

    /// The moments a phase runs between.
    public static func bounds(_ phase: FailoverPhase) -> (start: KeyPath<FailoverMoments, Date?>, end: KeyPath<FailoverMoments, Date?>) {
        switch phase {
        case .detectionToDecision: (\.detected, \.decided)
        case .decisionToFenced: (\.decided, \.fenced)
        case .fencedToPodDeleted: (\.fenced, \.podDeleted)
        case .podDeletedToReplacementRunning: (\.podDeleted, \.replacementRunning)
        case .detectionToReplacementRunning: (\.detected, \.replacementRunning)
        }
    }

    /// The phase's length in seconds, if both its moments are known; never negative (the moments
    /// come from different clocks: apiserver, kubelet, podguard's services).
    public func seconds(_ phase: FailoverPhase) -> TimeInterval? {
        let (start, end) = Self.bounds(phase)
        guard let from = self[keyPath: start], let to = self[keyPath: end] else { return nil }
        return max(0, to.timeIntervalSince(from))
    }

    /// ``seconds(_:)`` as a Duration, for the metrics.
    public func duration(_ phase: FailoverPhase) -> Duration? {
        seconds(phase).map { .seconds($0) }
    }

    /// The phases a write that turned `before` into `after` completed: those whose end moment
    /// `after` has and `before` had not. Only the writer whose compare-and-set succeeded calls
    /// this, so every phase is observed once per remediation, however many replicas or
    /// redeliveries raced for the write. `detection_to_decision` ends when decision creates the
    /// record and is observed by decision.
    public static func completed(before: Podguard_V1_FenceRecord, after: Podguard_V1_FenceRecord) -> [(FailoverPhase, Duration)] {
        guard isFailover(after) else { return [] }
        let old = FailoverMoments(before)
        let new = FailoverMoments(after)
        return FailoverPhase.allCases.compactMap { phase in
            let end = bounds(phase).end
            guard old[keyPath: end] == nil, new[keyPath: end] != nil, let duration = new.duration(phase) else { return nil }
            return (phase, duration)
        }
    }
}
