import Contracts
import Foundation
import Policy
import SwiftProtobuf
import Testing

/// The moments and phases of a failover, read from a FenceRecord (Libraries/Policy/FailoverMoments.swift).
@Suite("failover moments and phases (pure)")
struct FailoverMomentsTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    private func stamp(_ offset: TimeInterval) -> Google_Protobuf_Timestamp { Google_Protobuf_Timestamp(date: t0.addingTimeInterval(offset)) }

    private func transition(_ phase: Podguard_V1_FencePhase, _ offset: TimeInterval?) -> Podguard_V1_FencePhaseTransition {
        var transition = Podguard_V1_FencePhaseTransition()
        transition.phase = phase
        if let offset { transition.at = stamp(offset) }
        return transition
    }

    /// Detected at 0, decided 2, fenced 5, deleted 9, replacement running 30.
    private func failover(reason: Podguard_V1_FenceReason = .nodeFailure) -> Podguard_V1_FenceRecord {
        var record = Podguard_V1_FenceRecord()
        record.reason = reason
        record.request.reason = reason
        record.request.detectedAt = stamp(0)
        record.request.requestedAt = stamp(2)
        record.phase = .podDeleted
        record.transitions = [transition(.requested, 2), transition(.validated, 3), transition(.fenced, 5), transition(.podDeleted, 9)]
        record.replacementRunningAt = stamp(30)
        return record
    }

    @Test("the metric's label values never change: dashboards and rules read them")
    func labels() {
        #expect(FailoverPhase.allCases.map(\.rawValue) == [
            "detection_to_decision", "decision_to_fenced", "fenced_to_pod_deleted",
            "pod_deleted_to_replacement_running", "detection_to_replacement_running",
        ])
        #expect(FailoverPhase.metricLabel == "podguard_failover_phase_seconds")
    }

    @Test("each moment from its field; the first FENCED and POD_DELETED transitions with a time count")
    func reading() {
        var record = failover()
        record.transitions.insert(transition(.fenced, nil), at: 2)
        record.transitions.append(transition(.podDeleted, 40))
        let moments = FailoverMoments(record)
        #expect(moments == FailoverMoments(detected: t0, decided: t0.addingTimeInterval(2), fenced: t0.addingTimeInterval(5),
                                           podDeleted: t0.addingTimeInterval(9), replacementRunning: t0.addingTimeInterval(30)))
        #expect(FailoverMoments(Podguard_V1_FenceRecord()) == FailoverMoments())
        #expect(FailoverMoments(record.request) == FailoverMoments(detected: t0, decided: t0.addingTimeInterval(2)))
    }

    @Test("every phase between its two moments; unknown when either is missing; never negative")
    func phases() {
        var moments = FailoverMoments(failover())
        #expect(FailoverPhase.allCases.map { moments.seconds($0) } == [2, 3, 4, 21, 30])
        #expect(moments.duration(.fencedToPodDeleted) == .seconds(4))
        moments.fenced = nil
        #expect(moments.seconds(.decisionToFenced) == nil)
        #expect(moments.seconds(.fencedToPodDeleted) == nil)
        moments.detected = t0.addingTimeInterval(60)
        #expect(moments.seconds(.detectionToDecision) == 0)
        #expect(moments.duration(.detectionToDecision) == .zero)
    }

    @Test("a write completes the phases whose end it adds, once")
    func completed() {
        var before = failover()
        before.transitions = Array(before.transitions.prefix(2))
        before.clearReplacementRunningAt()
        var fenced = before
        fenced.transitions.append(transition(.fenced, 5))
        let ended = FailoverMoments.completed(before: before, after: fenced)
        #expect(ended.map(\.0) == [.decisionToFenced])
        #expect(ended.first?.1 == .seconds(3))
        #expect(FailoverMoments.completed(before: fenced, after: fenced).isEmpty, "a write without a new moment ends nothing")
        let all = FailoverMoments.completed(before: fenced, after: failover())
        #expect(all.map(\.0) == [.fencedToPodDeleted, .podDeletedToReplacementRunning, .detectionToReplacementRunning])
    }

    @Test("crash-loop deletes, unspecified reasons and dry runs are no failovers")
    func notFailovers() {
        #expect(FailoverMoments.isFailover(failover()))
        #expect(FailoverMoments.isFailover(failover().request))
        let cases: [(reason: Podguard_V1_FenceReason, recordDryRun: Bool, requestDryRun: Bool)] = [
            (.crashLoopBackOff, false, false), (.unspecified, false, false), (.nodeFailure, true, false), (.nodeFailure, false, true),
        ]
        for (reason, recordDryRun, requestDryRun) in cases {
            var record = failover(reason: reason)
            record.dryRun = recordDryRun
            record.request.dryRun = requestDryRun
            #expect(!FailoverMoments.isFailover(record))
            #expect(FailoverMoments.completed(before: Podguard_V1_FenceRecord(), after: record).isEmpty)
            // The request alone knows nothing of the record's own dry_run.
            #expect(FailoverMoments.isFailover(record.request) == (reason == .nodeFailure && !requestDryRun))
        }
    }
}
