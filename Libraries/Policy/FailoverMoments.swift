public import Contracts
public import Foundation
import SwiftProtobuf

/// The moments of one remediation, read from its FenceRecord. Pure.
///
/// | moment | field |
/// |---|---|
/// | detected | `request.detected_at` |
/// | decided | `request.requested_at` |
/// | fenced | `at` of the FENCED transition |
/// | pod deleted | `at` of the POD_DELETED transition |
/// | replacement running | `replacement_running_at` |
///
/// One reading for every writer and reader of the phases: fencing's and decision's metrics and
/// `podguard history` (FailoverMoments+Phases.swift).
public struct FailoverMoments: Sendable, Equatable {
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

    /// The two moments a FenceRequest carries (detected, decided): all decision knows when it
    /// claims the pod.
    public init(_ request: Podguard_V1_FenceRequest) {
        self.init(detected: request.hasDetectedAt ? request.detectedAt.date : nil,
                  decided: request.hasRequestedAt ? request.requestedAt.date : nil)
    }

    public init(_ record: Podguard_V1_FenceRecord) {
        self.init(record.request)
        fenced = record.transitions.first { $0.phase == .fenced && $0.hasAt }?.at.date
        podDeleted = record.transitions.first { $0.phase == .podDeleted && $0.hasAt }?.at.date
        replacementRunning = record.hasReplacementRunningAt ? record.replacementRunningAt.date : nil
    }
}
