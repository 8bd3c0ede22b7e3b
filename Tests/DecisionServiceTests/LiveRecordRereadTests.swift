import Contracts
import DecisionCore
import Foundation
import SwiftProtobuf
import Testing

@Suite("live FenceRecords are read again from the bucket when they stop changing")
struct LiveRecordRereadTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func record(uid: String, phase: Podguard_V1_FencePhase, node: String = "w1") -> Podguard_V1_FenceRecord {
        var record = Podguard_V1_FenceRecord()
        record.fenceID = "fence-\(uid)"
        record.pod.namespace = "db"
        record.pod.name = String(uid.dropFirst("uid-".count))
        record.pod.uid = uid
        record.nodeName = node
        record.phase = phase
        return record
    }

    @Test("due after `after` unchanged, then once per `after`; a change restarts the wait; a finished record leaves")
    func dueWhenUnchanged() {
        var reread = LiveRecordReread(after: .seconds(60))
        reread.observed(podUID: "a", live: true, at: Self.start)
        reread.observed(podUID: "b", live: true, at: Self.start.addingTimeInterval(30))
        reread.observed(podUID: "c", live: false, at: Self.start)
        #expect(reread.due(now: Self.start.addingTimeInterval(59)).isEmpty)
        #expect(reread.due(now: Self.start.addingTimeInterval(60)) == ["a"])
        #expect(reread.due(now: Self.start.addingTimeInterval(89)).isEmpty)
        #expect(reread.due(now: Self.start.addingTimeInterval(90)) == ["b"])
        reread.observed(podUID: "a", live: true, at: Self.start.addingTimeInterval(100))
        #expect(reread.due(now: Self.start.addingTimeInterval(120)).isEmpty)
        #expect(reread.due(now: Self.start.addingTimeInterval(160)) == ["a", "b"])
        reread.observed(podUID: "a", live: false, at: Self.start.addingTimeInterval(170))
        reread.observed(podUID: "b", live: false, at: Self.start.addingTimeInterval(170))
        #expect(reread.due(now: Self.start.addingTimeInterval(1_000)).isEmpty)
    }

    @Test("a decision holding a stale claim answers 'in progress'; the bucket's abort, read again, lets it ask anew")
    func staleClaimCorrected() {
        var engine = Fixture.engine()
        let now = Self.start
        _ = engine.handle(.node(name: "w1", Fixture.node("w1", taints: [("node.kubernetes.io/unreachable", .noExecute)])), now: now)
        // The watch delivered the claim (REQUESTED) and never the abort that replaced it.
        _ = engine.handle(.fence(podUID: "uid-pg-0", Self.record(uid: "uid-pg-0", phase: .requested)), now: now)
        let held = engine.handle(.pod(key: Fixture.podKey("pg-0"), Fixture.pod("pg-0", node: "w1")), now: now)
        #expect(!held.contains { if case .claimAndRequest = $0 { true } else { false } })
        #expect(engine.reread.due(now: now.addingTimeInterval(30)).isEmpty)
        let later = now.addingTimeInterval(61)
        #expect(engine.reread.due(now: later) == ["uid-pg-0"])
        // What the service does with a due uid: the leader's value, handed in as a change. An abort
        // older than the retry wait is not waited on again: the pod is asked for at once.
        var aborted = Self.record(uid: "uid-pg-0", phase: .aborted)
        var transition = Podguard_V1_FencePhaseTransition()
        transition.phase = .aborted
        transition.at = .init(date: now)
        aborted.transitions = [transition]
        let corrected = engine.handle(.fence(podUID: "uid-pg-0", aborted), now: later)
        #expect(corrected.contains { if case .claimAndRequest(_, let request, _, _) = $0 { request.pod.uid == "uid-pg-0" } else { false } })
    }
}
