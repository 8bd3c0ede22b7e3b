import Bus
import Contracts
import FencingCore
import FencingService
import Foundation
import Kube
import Policy
import SwiftProtobuf
import Synchronization
import Testing

/// What the fencing replicas of one test observed, for every replica at once.
final class PhaseLog: Sendable {
    struct Entry: Sendable, Equatable {
        var phase: FailoverPhase
        var fenceID: String
        var replica: String
        var duration: Duration
    }

    private let entries = Mutex<[Entry]>([])

    func recorder(_ replica: String) -> FailoverRecorder {
        FailoverRecorder { phase, duration, record in
            self.entries.withLock { $0.append(Entry(phase: phase, fenceID: record.fenceID, replica: replica, duration: duration)) }
        }
    }

    func entries(_ fenceID: String) -> [Entry] { entries.withLock { $0.filter { $0.fenceID == fenceID } } }

    /// Phase → how many times it was observed for the remediation.
    func counts(_ fenceID: String) -> [FailoverPhase: Int] {
        entries(fenceID).reduce(into: [:]) { $0[$1.phase, default: 0] += 1 }
    }
}

private func timestamp(_ date: Date) -> Google_Protobuf_Timestamp { Google_Protobuf_Timestamp(date: date) }

private func transition(_ phase: Podguard_V1_FencePhase, _ at: Date) -> Podguard_V1_FencePhaseTransition {
    var transition = Podguard_V1_FencePhaseTransition()
    transition.phase = phase
    transition.at = timestamp(at)
    transition.by = "fencing/test"
    return transition
}

/// A PodState as the watcher publishes it.
private func podState(namespace: String, name: String, uid: String, node: String, running: Bool, ready: Bool,
                      readyAt: Date) -> Podguard_V1_PodState {
    var pod = Podguard_V1_PodState()
    pod.namespace = namespace
    pod.name = name
    pod.uid = uid
    pod.nodeName = node
    pod.phase = running ? "Running" : "Pending"
    pod.ready = ready ? .true : .false
    pod.readyLastTransition = timestamp(readyAt)
    pod.observedAt = timestamp(readyAt.addingTimeInterval(0.5))
    return pod
}

/// A record as fencing leaves it after a completed remediation, with its timeline.
private func deletedRecord(namespace: String = "db", name: String = "pg-0", uid: String = "uid-old",
                           reason: Podguard_V1_FenceReason = .nodeFailure, t0: Date) -> Podguard_V1_FenceRecord {
    var record = Podguard_V1_FenceRecord()
    record.fenceID = "fence-\(uid)"
    record.pod.namespace = namespace
    record.pod.name = name
    record.pod.uid = uid
    record.nodeName = "worker-1"
    record.reason = reason
    record.request.fenceID = record.fenceID
    record.request.reason = reason
    record.request.pod = record.pod
    record.request.nodeName = record.nodeName
    record.request.detectedAt = timestamp(t0)
    record.request.requestedAt = timestamp(t0.addingTimeInterval(2))
    record.phase = .podDeleted
    record.transitions = [transition(.requested, t0.addingTimeInterval(2)), transition(.validated, t0.addingTimeInterval(3)),
                          transition(.fenced, t0.addingTimeInterval(5)), transition(.podDeleted, t0.addingTimeInterval(9))]
    record.podDeleteIssuedAt = timestamp(t0.addingTimeInterval(8.5))
    return record
}

/// The phases themselves are Policy's (Tests/PolicyTests/FailoverMomentsTests.swift); these are
/// the ones a replacement completes, and how it is matched.
@Suite("failover phases of a replacement and replacement matching (pure)")
struct ReplacementPhaseTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    @Test("recording the replacement ends both phases that end there")
    func replacementEndsTwo() throws {
        let record = deletedRecord(t0: t0)
        let replacement = ReplacementTracker.Replacement(uid: "uid-new", nodeName: "worker-2", runningAt: t0.addingTimeInterval(30))
        let completed = try #require(ReplacementTracker.completing(record, with: replacement))
        let ended = Dictionary(uniqueKeysWithValues: FailoverMoments.completed(before: record, after: completed).map { ($0.0, $0.1) })
        #expect(ended == [.podDeletedToReplacementRunning: .seconds(21), .detectionToReplacementRunning: .seconds(30)])
        #expect(FailoverMoments(completed).duration(.detectionToDecision) == .seconds(2))
        // Completed once: a second completion (another replica, a redelivery) finds nothing to do.
        #expect(ReplacementTracker.completing(completed, with: replacement) == nil)
    }

    @Test("a crash-loop delete's replacement completes no phase")
    func notMeasured() throws {
        let crashLoop = deletedRecord(reason: .crashLoopBackOff, t0: t0)
        let replacement = ReplacementTracker.Replacement(uid: "uid-new", nodeName: "worker-1", runningAt: t0.addingTimeInterval(30))
        let completed = try #require(ReplacementTracker.completing(crashLoop, with: replacement))
        #expect(FailoverMoments.completed(before: crashLoop, after: completed).isEmpty)
    }

    @Test("a replacement is matched whichever bucket change comes first, and never the deleted pod itself")
    func matching() {
        let now = t0.addingTimeInterval(60)
        let record = deletedRecord(t0: t0)
        let key = PodguardKeys.pod(namespace: "db", name: "pg-0")

        // Pod first: the old uid Running is not a replacement; a new uid not Ready is not yet.
        var tracker = ReplacementTracker(window: .seconds(3600))
        #expect(tracker.pod(key: key, state: podState(namespace: "db", name: "pg-0", uid: "uid-old", node: "worker-1", running: true,
                                                      ready: true, readyAt: t0), now: now).isEmpty)
        #expect(tracker.fence(key: "uid-old", record: record, now: now).isEmpty)
        #expect(tracker.pod(key: key, state: podState(namespace: "db", name: "pg-0", uid: "uid-new", node: "worker-2", running: true,
                                                      ready: false, readyAt: t0.addingTimeInterval(20)), now: now).isEmpty)
        #expect(tracker.pod(key: PodguardKeys.pod(namespace: "db", name: "pg-1"),
                            state: podState(namespace: "db", name: "pg-1", uid: "uid-other", node: "worker-2", running: true,
                                            ready: true, readyAt: t0), now: now).isEmpty)
        let matches = tracker.pod(key: key, state: podState(namespace: "db", name: "pg-0", uid: "uid-new", node: "worker-2", running: true,
                                                            ready: true, readyAt: t0.addingTimeInterval(25)), now: now)
        #expect(matches == [.init(fenceKey: "uid-old", replacement: .init(uid: "uid-new", nodeName: "worker-2",
                                                                            runningAt: t0.addingTimeInterval(25)))])
        tracker.done("uid-old")
        #expect(tracker.tick(now: now).isEmpty)

        // Record last: matched at once.
        var late = ReplacementTracker(window: .seconds(3600))
        _ = late.pod(key: key, state: podState(namespace: "db", name: "pg-0", uid: "uid-new", node: "worker-2", running: true,
                                               ready: true, readyAt: t0.addingTimeInterval(25)), now: now)
        #expect(late.fence(key: "uid-old", record: record, now: now).count == 1)

        // A record not (or no longer) waiting: in progress, completed, or past the window.
        var other = ReplacementTracker(window: .seconds(30))
        var inProgress = record
        inProgress.phase = .fenced
        #expect(other.fence(key: "uid-old", record: inProgress, now: now).isEmpty)
        #expect(other.waitingCount == 0)
        _ = other.fence(key: "uid-old", record: record, now: t0.addingTimeInterval(20))
        #expect(other.waitingCount == 1)
        #expect(other.tick(now: t0.addingTimeInterval(60)).isEmpty)
        #expect(other.waitingCount == 0)
    }
}

@Suite("replacement Running and failover metrics against a real nats-server", .serialized, .timeLimit(.minutes(5)))
struct ReplacementRunningTests {
    @Test("two replicas: the replacement is recorded once, each phase observed once, also after redeliveries")
    func fullRemediationTwoReplicas() async throws {
        try await FencingBed.with { bed in
            let log = PhaseLog()
            try await bed.startFencing(FencingBed.settings("fencing-a"), failover: log.recorder("fencing-a"))
            try await bed.startFencing(FencingBed.settings("fencing-b"), failover: log.recorder("fencing-b"))
            let node = try await bed.makeNode()
            let (pod, volumes) = try await bed.makePod("pg-0", on: node)
            bed.disconnect()
            var request = bed.request(for: pod, node: node, volumes: volumes)
            request.detectedAt = timestamp(request.requestedAt.date.addingTimeInterval(-4))
            request.detectedBy = "taint node.kubernetes.io/unreachable:NoExecute time_added"
            try await bed.submit(request)
            let deleted = try await bed.terminalRecord(pod.metadata.uid!)
            #expect(deleted.phase == .podDeleted, "\(deleted.abortReason): \(deleted.abortMessage)")
            #expect(!deleted.hasReplacementRunningAt)

            // The StatefulSet's replacement: same name, new uid, first Pending, then Running and Ready.
            let newUID = UUID().uuidString.lowercased()
            try await bed.putPodState(podState(namespace: bed.namespace, name: "pg-0", uid: newUID, node: "worker-9", running: false,
                                               ready: false, readyAt: Date()))
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await bed.record(pod.metadata.uid!)?.hasReplacementRunningAt == false)
            let readyAt = Date()
            try await bed.putPodState(podState(namespace: bed.namespace, name: "pg-0", uid: newUID, node: "worker-9", running: true,
                                               ready: true, readyAt: readyAt))
            var record = Podguard_V1_FenceRecord()
            try await eventually("replacement_running_at recorded") {
                record = try await bed.record(pod.metadata.uid!) ?? record
                return record.hasReplacementRunningAt
            }
            #expect(record.replacementPodUid == newUID)
            #expect(record.replacementNodeName == "worker-9")
            #expect(abs(record.replacementRunningAt.date.timeIntervalSince(readyAt)) < 0.001)
            #expect(record.phase == .podDeleted)
            #expect(record.owner.isEmpty)

            // Redeliveries: the same PodState again, the request again (past the duplicate window's
            // id), and a third replica whose watches deliver every value anew.
            try await bed.putPodState(podState(namespace: bed.namespace, name: "pg-0", uid: newUID, node: "worker-9", running: true,
                                               ready: true, readyAt: readyAt.addingTimeInterval(1)))
            try await bed.jetStream.publish(Podguard_V1_FenceWork(naming: request), to: PodguardSubjects.standard.fenceRequest(request.nodeName),
                                            messageID: request.fenceID + ".again")
            try await bed.startFencing(FencingBed.settings("fencing-c"), failover: log.recorder("fencing-c"))
            try await Task.sleep(for: .seconds(3))

            let again = try #require(try await bed.record(pod.metadata.uid!))
            #expect(again.replacementRunningAt == record.replacementRunningAt)
            #expect(again.replacementPodUid == newUID)
            #expect(log.counts(request.fenceID) == [.decisionToFenced: 1, .fencedToPodDeleted: 1,
                                                    .podDeletedToReplacementRunning: 1, .detectionToReplacementRunning: 1])
            let durations = Dictionary(uniqueKeysWithValues: log.entries(request.fenceID).map { ($0.phase, $0.duration) })
            let expected = FailoverMoments(again)
            for phase in [FailoverPhase.decisionToFenced, .fencedToPodDeleted, .podDeletedToReplacementRunning, .detectionToReplacementRunning] {
                #expect(durations[phase] == expected.duration(phase), "\(phase)")
            }
            #expect(durations[.detectionToReplacementRunning]! >= .seconds(4))
            try? await bed.kube.delete(Node.self, name: node.metadata.name!)
        }
    }

    @Test("replacement seen before the record: two replicas race for it, one records it; a crash-loop delete is not measured")
    func replacementFirst() async throws {
        try await FencingBed.with { bed in
            let log = PhaseLog()
            try await bed.startFencing(FencingBed.settings("fencing-a"), failover: log.recorder("fencing-a"))
            try await bed.startFencing(FencingBed.settings("fencing-b"), failover: log.recorder("fencing-b"))
            let t0 = Date().addingTimeInterval(-30)
            var records: [Podguard_V1_FenceRecord] = []
            for (name, reason) in [("pg-0", Podguard_V1_FenceReason.nodeFailure), ("pg-1", .crashLoopBackOff),
                                   ("pg-2", .arrayConnectivityLoss)] {
                let uid = UUID().uuidString.lowercased()
                try await bed.putPodState(podState(namespace: bed.namespace, name: name, uid: "new-\(uid)", node: "worker-2",
                                                   running: true, ready: true, readyAt: t0.addingTimeInterval(20)))
                let record = deletedRecord(namespace: bed.namespace, name: name, uid: uid, reason: reason, t0: t0)
                records.append(record)
                // As a finished remediation leaves it; the request is redelivered once more.
                try await bed.submit(record.request) { $0 = record }
            }
            for record in records {
                try await eventually("replacement of \(record.pod.name)") {
                    try await bed.record(record.pod.uid)?.replacementPodUid == "new-\(record.pod.uid)"
                }
            }
            try await Task.sleep(for: .seconds(2))
            #expect(log.counts(records[0].fenceID) == [.podDeletedToReplacementRunning: 1, .detectionToReplacementRunning: 1])
            #expect(log.counts(records[1].fenceID).isEmpty)
            #expect(log.counts(records[2].fenceID) == [.podDeletedToReplacementRunning: 1, .detectionToReplacementRunning: 1])
            let measured = try #require(log.entries(records[0].fenceID).first { $0.phase == .podDeletedToReplacementRunning }?.duration)
            #expect(measured > .seconds(11) - .milliseconds(1) && measured < .seconds(11) + .milliseconds(1))
        }
    }
}
