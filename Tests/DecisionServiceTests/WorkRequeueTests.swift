import Contracts
import DecisionCore
import Foundation
import SwiftProtobuf
import Testing

@Suite("work of a started remediation is queued again when it seems lost")
struct WorkRequeueTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func record(_ fenceID: String, phase: Podguard_V1_FencePhase = .requested, owner: String = "",
                       request: Bool = true) -> Podguard_V1_FenceRecord {
        var record = Podguard_V1_FenceRecord()
        record.fenceID = fenceID
        record.phase = phase
        record.owner = owner
        record.pod.uid = "uid-\(fenceID)"
        record.nodeName = "w1"
        var transition = Podguard_V1_FencePhaseTransition()
        transition.phase = .requested
        transition.at = .init(date: start)
        record.transitions = [transition]
        if request {
            record.request.fenceID = fenceID
            record.request.pod = record.pod
            record.request.nodeName = "w1"
        }
        return record
    }

    @Test("due only after `after`, for REQUESTED records no fencing replica claimed; then once per `after`")
    func dueOnceUnclaimed() {
        var requeue = WorkRequeue(after: .seconds(120))
        let fences = ["uid-a": Self.record("a"), "uid-b": Self.record("b", owner: "fencing/f1"),
                      "uid-c": Self.record("c", phase: .fenced), "uid-d": Self.record("d", request: false)]
        #expect(requeue.due(fences, now: Self.start.addingTimeInterval(119)).isEmpty)
        let due = requeue.due(fences, now: Self.start.addingTimeInterval(120))
        #expect(due.map(\.fenceID) == ["a"])
        #expect(due.first?.pod.uid == "uid-a")
        #expect(due.first?.nodeName == "w1")
        #expect(requeue.due(fences, now: Self.start.addingTimeInterval(200)).isEmpty)
        #expect(requeue.due(fences, now: Self.start.addingTimeInterval(240)).map(\.fenceID) == ["a"])
    }

    @Test("claimed or gone, nothing is due")
    func claimedOrGone() {
        var requeue = WorkRequeue(after: .seconds(120))
        #expect(requeue.due([:], now: Self.start.addingTimeInterval(1_000)).isEmpty)
        #expect(requeue.due(["uid-a": Self.record("a", phase: .podDeleted)], now: Self.start.addingTimeInterval(1_000)).isEmpty)
    }

    @Test("a record waiting for its node's remediation ladder (released, no owner) is not lost work")
    func waitingForTheLadder() {
        var requeue = WorkRequeue(after: .seconds(120))
        var waiting = Self.record("a")
        waiting.awaitingNodeRemediation = "remediation-1"
        #expect(requeue.due(["uid-a": waiting], now: Self.start.addingTimeInterval(1_000)).isEmpty)
    }
}
