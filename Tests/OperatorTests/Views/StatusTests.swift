import SwiftProtobuf
import Harness
import BusService
import Bus
import Contracts
import Foundation
import OperatorViews
import Testing

@Suite("status: nodes, verdicts, remediations in flight, storm and pause")
struct StatusTests {
    static func snapshot() -> ClusterSnapshot {
        var other = Records.completedFence(pod: Records.pod("db", "mysql-0", uid: "uid-9"))
        other.nodeName = "worker-1"
        other.taintsApplied = []
        return ClusterSnapshot(
            nodes: [
                Stored(Records.node("worker-3", ready: .unknown, since: 200,
                                    taints: [("node.kubernetes.io/unreachable", .noExecute), ("vxflexos.podmon.storage.dell.com", .noSchedule)]),
                       storedAt: Records.at(210)),
                Stored(Records.node("worker-1"), storedAt: Records.at(0)),
            ],
            pods: [Stored(Records.podState("a", node: "worker-1"), storedAt: Records.at(0)),
                   Stored(Records.podState("b", node: "worker-1"), storedAt: Records.at(0)),
                   Stored(Records.podState("postgres-0", node: "worker-3"), storedAt: Records.at(0))],
            connectivity: [Stored(Records.connectivity("worker-3", .lost, lostSince: 230), storedAt: Records.at(240)),
                           Stored(Records.connectivity("worker-1", .connected), storedAt: Records.at(240)),
                           Stored(Records.connectivity("worker-1", .connected, family: .unity), storedAt: Records.at(240))],
            fences: [Stored(Records.waitingFence(), storedAt: Records.at(260)), Stored(other, storedAt: Records.at(100))],
            nodeRemediations: [Stored(Records.nodeRemediation(), storedAt: Records.at(440))],
            pause: Records.pause(at: 0, expiresAt: 4200),
            holdBacks: [Records.alert("StormLimitReached", at: 500, summary: "3 of 4 nodes would be fenced (limit 50 %)"),
                        Records.alert("ArrayOutage", severity: .critical, at: -4000, summary: "old")])
    }

    @Test("every part of the status from one snapshot")
    func status() throws {
        let report = StatusReport(Self.snapshot(), clock: Records.clock(600))
        #expect(report.generatedAt == "2024-05-01T10:10:00.000Z")

        #expect(report.nodes.map(\.name) == ["worker-1", "worker-3"])
        let failed = report.nodes[1]
        #expect(failed.ready == "Unknown")
        #expect(failed.notReadySeconds == 400)
        #expect(failed.taints == ["node.kubernetes.io/unreachable:NoExecute", "vxflexos.podmon.storage.dell.com:NoSchedule"])
        #expect(failed.connectivity == ["powerflex": "LOST"])
        #expect(failed.lostSince == ["powerflex": "2024-05-01T10:03:50.000Z"])
        #expect(failed.protectedPods == 1)
        #expect(failed.remediationsInProgress == 1)
        #expect(report.nodes[0].connectivity == ["powerflex": "CONNECTED", "unity": "CONNECTED"])
        #expect(report.nodes[0].notReadySeconds == nil)
        #expect(report.nodes[0].protectedPods == 2)

        #expect(report.storm.remediationsInProgress == 1)
        #expect(report.storm.nodesUnderRemediation == 1)
        #expect(report.storm.nodesTotal == 2)
        #expect(report.storm.holdingBack.map(\.reason) == ["StormLimitReached"])
        #expect(report.storm.summary ==
            "1 remediation in progress on 1 of 2 nodes; holding back: StormLimitReached (3 of 4 nodes would be fenced (limit 50 %))")

        let remediation = try #require(report.remediationsInFlight.first)
        #expect(report.remediationsInFlight.count == 1)
        #expect(remediation.pod == "db/postgres-0")
        #expect(remediation.phase == "REQUESTED")
        #expect(remediation.ageSeconds == 348)
        #expect(remediation.awaitingNodeRemediation == "nr-1")

        let node = try #require(report.nodeRemediations.first)
        #expect(node.state == "CLIMBING")
        #expect(node.step == "approval")
        #expect(node.waitingForApproval)
        #expect(node.ladder == "fence-agent:3m approval:1h")
        #expect(node.bootID == "boot-a")
        #expect(node.since == "2024-05-01T10:07:20.000Z")

        #expect(report.pause.paused)
        #expect(report.pause.by == "alice")
        #expect(report.pause.expiresAt == "2024-05-01T11:10:00.000Z")
        #expect(report.pause.summary.hasPrefix("paused by alice (PowerMax upgrade, CHG-1234) since 10:00:00, until 2024-05-01 11:10:00"))
        #expect(report.pause.summary.hasSuffix("(in 1 h): decision requests no fence, delete or taint"))
    }

    @Test("the table a person reads")
    func table() {
        let text = StatusReport(Self.snapshot(), clock: Records.clock(600)).text
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0].hasPrefix("pause:  paused by alice"))
        #expect(lines[1] == "storm:  1 remediation in progress on 1 of 2 nodes; holding back: StormLimitReached (3 of 4 nodes would be fenced (limit 50 %))")
        #expect(lines.contains { $0.hasPrefix("NODE      READY    NOT READY FOR  TAINTS") })
        #expect(lines.contains { $0.hasPrefix("worker-1  True     -              -") && $0.contains("powerflex=CONNECTED,unity=CONNECTED") })
        #expect(lines.contains { $0.hasPrefix("worker-3  Unknown  6 min 40 s") })
        #expect(lines.contains { $0.hasPrefix("db/postgres-0  worker-3  NodeFailure  REQUESTED  5 min 48 s  node proven safe") })
        #expect(lines.contains { $0.hasPrefix("worker-3  CLIMBING (approval needed)  approval") })
        #expect(text.contains("worker-3 waits for a person: make sure it is down, then `podguard approve worker-3`"))
    }

    @Test("pause: never set, switched off, expired")
    func pauseStates() {
        let clock = Records.clock(600)
        #expect(StatusReport(ClusterSnapshot(), clock: clock).pause.summary == "not paused: decision acts")
        #expect(StatusReport(ClusterSnapshot(pause: Records.pause(on: false)), clock: clock).pause.paused == false)
        let expired = StatusReport(ClusterSnapshot(pause: Records.pause(expiresAt: 300)), clock: clock).pause
        #expect(!expired.paused)
        #expect(expired.summary == "not paused: decision acts (the pause by alice expired 5 min ago)")
        let forever = StatusReport(ClusterSnapshot(pause: Records.pause(reason: "")), clock: clock).pause
        #expect(forever.summary == "paused by alice since 10:00:00, until resumed: decision requests no fence, delete or taint")
    }

    @Test("an empty bus says where to look; finished node remediations stay an hour")
    func emptyAndOld() {
        let clock = Records.clock(600)
        let empty = StatusReport(ClusterSnapshot(), clock: clock)
        #expect(empty.text.contains("(no node state on the bus: is the watcher running?)"))
        #expect(empty.text.contains("Remediations in flight\n  none\n"))
        var recent = Records.nodeRemediation(state: .proven)
        recent.provenBy = .fenceAgent
        recent.finishedAt = Records.stamp(500)
        var old = Records.nodeRemediation(state: .exhausted, node: "worker-9")
        old.finishedAt = Records.stamp(-4000)
        let report = StatusReport(ClusterSnapshot(nodeRemediations: [Stored(recent, storedAt: Records.at(500)), Stored(old, storedAt: Records.at(0))]),
                                  clock: clock)
        #expect(report.nodeRemediations.map(\.node) == ["worker-3"])
        #expect(report.nodeRemediations[0].step == "fence-agent")
        #expect(!report.nodeRemediations[0].waitingForApproval)
    }
}
