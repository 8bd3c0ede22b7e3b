public import Contracts
public import Foundation
public import SwiftProtobuf

/// One phase of a failover, the `phase` label of `podguard_failover_phase_seconds`.
public enum FailoverPhase: String, CaseIterable, Sendable, Hashable {
    /// The trigger became visible (FenceRequest.detected_at) → decision claimed the pod (requested_at).
    case detectionToDecision = "detection_to_decision"
    /// requested_at → the FENCED transition (every volume unpublished at the array).
    case decisionToFenced = "decision_to_fenced"
    /// FENCED → the POD_DELETED transition.
    case fencedToPodDeleted = "fenced_to_pod_deleted"
    /// POD_DELETED → the replacement pod Running and Ready (replacement_running_at).
    case podDeletedToReplacementRunning = "pod_deleted_to_replacement_running"
    /// detected_at → replacement_running_at: the whole outage as the pod's users saw it.
    case detectionToReplacementRunning = "detection_to_replacement_running"
}

/// The moments of one remediation, read from its FenceRecord. Pure.
///
/// | moment | field |
/// |---|---|
/// | detected | `request.detected_at` |
/// | decided | `request.requested_at` |
/// | fenced | `at` of the FENCED transition |
/// | pod deleted | `at` of the POD_DELETED transition |
/// | replacement running | `replacement_running_at` |
public struct FailoverTimeline: Sendable, Equatable {
    public var detected: Date?
    public var decided: Date?
    public var fenced: Date?
    public var podDeleted: Date?
    public var replacementRunning: Date?

    public init(detected: Date? = nil, decided: Date? = nil, fenced: Date? = nil, podDeleted: Date? = nil,
                replacementRunning: Date? = nil) {
        self.detected = detected
        self.decided = decided
        self.fenced = fenced
        self.podDeleted = podDeleted
        self.replacementRunning = replacementRunning
    }

    public init(_ record: Podguard_V1_FenceRecord) {
        let request = record.request
        self.init(
            detected: request.hasDetectedAt ? request.detectedAt.date : nil,
            decided: request.hasRequestedAt ? request.requestedAt.date : nil,
            fenced: record.transitions.first { $0.phase == .fenced && $0.hasAt }?.at.date,
            podDeleted: record.transitions.first { $0.phase == .podDeleted && $0.hasAt }?.at.date,
            replacementRunning: record.hasReplacementRunningAt ? record.replacementRunningAt.date : nil)
    }

    /// A remediation that moved a pod off a failed node: not a dry run, not a CrashLoopBackOff
    /// delete (no failover: the pod is restarted on a healthy node). Only these are measured.
    public static func isFailover(_ record: Podguard_V1_FenceRecord) -> Bool {
        record.reason != .crashLoopBackOff && record.reason != .unspecified && !record.dryRun && !record.request.dryRun
    }

    /// The moments a phase runs between.
    public static func bounds(_ phase: FailoverPhase) -> (start: KeyPath<FailoverTimeline, Date?>, end: KeyPath<FailoverTimeline, Date?>) {
        switch phase {
        case .detectionToDecision: (\.detected, \.decided)
        case .decisionToFenced: (\.decided, \.fenced)
        case .fencedToPodDeleted: (\.fenced, \.podDeleted)
        case .podDeletedToReplacementRunning: (\.podDeleted, \.replacementRunning)
        case .detectionToReplacementRunning: (\.detected, \.replacementRunning)
        }
    }

    /// The phase's duration, if both its moments are known; never negative (the moments come from
    /// different clocks: apiserver, kubelet, podguard's services).
    public func duration(_ phase: FailoverPhase) -> Duration? {
        let (start, end) = Self.bounds(phase)
        guard let from = self[keyPath: start], let to = self[keyPath: end] else { return nil }
        return .seconds(max(0, to.timeIntervalSince(from)))
    }

    /// The phases a write that turned `before` into `after` completed: those whose end moment
    /// `after` has and `before` had not. Only the writer whose compare-and-set succeeded calls
    /// this, so every phase is observed once per remediation, however many replicas or
    /// redeliveries raced for the write. `detection_to_decision` ends when decision creates the
    /// record and is observed by decision.
    public static func completed(before: Podguard_V1_FenceRecord, after: Podguard_V1_FenceRecord) -> [(FailoverPhase, Duration)] {
        guard isFailover(after) else { return [] }
        let old = FailoverTimeline(before)
        let new = FailoverTimeline(after)
        return FailoverPhase.allCases.compactMap { phase in
            let end = bounds(phase).end
            guard old[keyPath: end] == nil, new[keyPath: end] != nil, let duration = new.duration(phase) else { return nil }
            return (phase, duration)
        }
    }
}
