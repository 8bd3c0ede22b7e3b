import SwiftProtobuf
import Harness
import BusService
import Bus
import Contracts
import Foundation
import OperatorViews
import Testing

@Suite("explain: one pod's decisions and remediation timeline in plain words")
struct ExplainTests {
    @Test("a completed failover reads from detection to the replacement, in order")
    func completedFailover() {
        let records = PodRecords(pod: PodReference(namespace: "db", name: "postgres-0"),
                                 decisions: [Records.fenceDecision()], fences: [Records.completedFence()])
        let explanation = PodExplanation(records, clock: Records.clock(600))
        #expect(explanation.text == """
        pod db/postgres-0: not on the bus now (deleted, or no longer protected)

        10:04:10 trigger: detected on node worker-3 (taint node.kubernetes.io/unreachable:NoExecute time_added)
        10:04:12 decision: node worker-3 unreachable for 41 s, the pod is not Ready (Running), the arrays report it disconnected and idle → fence requested (rule NODE_UNREACHABLE_TAINT)
                 why: pod not Ready on a node tainted node.kubernetes.io/unreachable
        10:04:12 decision: remediation requested from node worker-3, reason NodeFailure, 1 volume
        10:04:13 fencing: the arrays confirmed the node cut off and idle: fencing allowed
        10:04:15 fencing: every volume unpublished at the array (1): the node can no longer write to them
        10:04:16 fencing: node tainted vxflexos.podmon.storage.dell.com:NoSchedule
        10:04:17 fencing: Event NodeFailure recorded on the pod
        10:04:18 fencing: VolumeAttachments deleted: the volumes may attach elsewhere
        10:04:18 fencing: pod force-deleted
        10:04:30 replacement: replacement Running and Ready on node worker-1

        outcome: moved off node worker-3 to node worker-1: 20 s from detection to the replacement running

        """)
        #expect(explanation.timeline.first?.at == "2024-05-01T10:04:10.000Z")
    }

    @Test("the pod as the watcher sees it now, and the node's cleanup")
    func currentPodAndCleanup() {
        var fence = Records.completedFence()
        fence.nodeCleanup.cleaned = true
        fence.nodeCleanup.cleanedAt = Records.stamp(900)
        let current = Records.podState("postgres-0", node: "worker-1", uid: "uid-2")
        let explanation = PodExplanation(PodRecords(pod: PodReference(namespace: "db", name: "postgres-0"), current: current,
                                                    fences: [fence]), clock: Records.clock(1000))
        #expect(explanation.text.hasPrefix("pod db/postgres-0: on node worker-1, Running, Ready True (uid uid-2)\n"))
        #expect(explanation.timeline.last?.text == "node worker-3 cleaned of the pod (volumes unpublished, no container left)")
        #expect(explanation.outcome.hasSuffix("; node worker-3 cleaned since"))
    }

    @Test("an abort says why, with the fencing replica's message")
    func aborted() {
        let explanation = PodExplanation(PodRecords(pod: PodReference(namespace: "db", name: "postgres-0"),
                                                    fences: [Records.abortedFence()]), clock: Records.clock())
        #expect(explanation.text.contains("""
        10:04:14 fencing: aborted: the array still reaches the node or saw recent I/O (ARRAY_CONNECTED_OR_IO); the pod was not deleted
                 why: powerflex array 1: node connected
        """))
        #expect(explanation.outcome == "remediation aborted: the array still reaches the node or saw recent I/O; the pod was not deleted")
    }

    @Test("a remediation waiting for its node's approval step says what to do")
    func waitingForApproval() {
        let records = PodRecords(pod: PodReference(namespace: "db", name: "postgres-0"), fences: [Records.waitingFence()],
                                 nodeRemediations: [Records.nodeRemediation()])
        let explanation = PodExplanation(records, clock: Records.clock(600))
        let lines = explanation.text.split(separator: "\n").map(String.init)
        #expect(lines.contains("10:04:20 fencing: the arrays could not prove node worker-3 safe: waiting for its node remediation ladder"))
        #expect(lines.contains("10:04:20 node remediation: node worker-3 (boot boot-a) climbs its ladder default [fence-agent:3m approval:1h]"))
        #expect(lines.contains("         why: array connected or recent I/O"))
        #expect(lines.contains("10:07:20 node remediation: step fence-agent failed"))
        #expect(lines.contains("         why: BMC 10.0.0.3 unreachable"))
        #expect(lines.contains("10:07:20 node remediation: step approval running: waits for a person (`podguard approve worker-3` or `podguard deny worker-3`)"))
        #expect(explanation.outcome ==
            "remediation in progress: phase REQUESTED (requested 5 min 48 s ago), waiting for node worker-3 to be proven safe: approve with `podguard approve worker-3` once it is down")
    }

    @Test("the end of a node remediation", arguments: [
        (Podguard_V1_NodeRemediationState.proven, "node proven safe by approval"),
        (.exhausted, "every step failed, timed out or did not apply: nothing deleted"),
        (.denied, "a person denied fencing the node: nothing deleted"),
        (.abandoned, "the node came back before it was proven safe"),
    ])
    func nodeRemediationEnds(state: Podguard_V1_NodeRemediationState, words: String) {
        var remediation = Records.nodeRemediation(state: state)
        remediation.provenBy = .approval
        remediation.finishedAt = Records.stamp(500)
        let explanation = PodExplanation(PodRecords(pod: PodReference(namespace: "db", name: "postgres-0"),
                                                    fences: [Records.waitingFence()], nodeRemediations: [remediation]),
                                         clock: Records.clock(600))
        #expect(explanation.timeline.contains { $0.at == "2024-05-01T10:08:20.000Z" && $0.text == words })
    }

    @Test("without a remediation, the last decision is the outcome")
    func decisionsOnly() {
        var first = Records.fenceDecision(at: 100)
        first.outcome = .noAction
        first.rule = .none
        var last = Records.fenceDecision(at: 200)
        last.outcome = .withheldPaused
        let explanation = PodExplanation(PodRecords(pod: PodReference(namespace: "db", name: "postgres-0"), decisions: [last, first]),
                                         clock: Records.clock())
        #expect(explanation.timeline.map(\.at) == ["2024-05-01T10:01:40.000Z", "2024-05-01T10:03:20.000Z"])
        #expect(explanation.outcome == "no remediation; the last decision (10:03:20): withheld: podguard is paused (acts once resumed)")
    }

    @Test("nothing known")
    func nothing() {
        let records = PodRecords(pod: PodReference(namespace: "db", name: "x"))
        #expect(records.isEmpty)
        let explanation = PodExplanation(records, clock: Records.clock())
        #expect(explanation.outcome == "podguard has not decided anything about this pod in the last 24 h")
        #expect(explanation.text.contains("no decision or remediation recorded"))
    }

    @Test("a pod deleted whose replacement does not run yet; a remediation resumed by another replica")
    func inBetween() {
        var fence = Records.completedFence()
        fence.clearReplacementRunningAt()
        fence.transitions[2].message = "resumed after restart"
        let explanation = PodExplanation(PodRecords(pod: PodReference(namespace: "db", name: "postgres-0"), fences: [fence]),
                                         clock: Records.clock())
        #expect(explanation.outcome == "deleted from node worker-3; its replacement is not Running and Ready yet")
        #expect(explanation.text.contains("10:04:15 fencing: every volume unpublished at the array (1): the node can no longer write to them — resumed after restart"))
    }
}
