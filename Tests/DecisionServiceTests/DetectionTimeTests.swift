import Contracts
import DecisionCore
import DecisionService
import FamilyCatalog
import Foundation
import Policy
import SwiftProtobuf
import Testing

@Suite("detection time: when the trigger decision acted on became visible (no I/O)")
struct DetectionTimeTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let keys = ArrayFamilyCatalog.dellTaintKeys

    static func at(_ offset: TimeInterval) -> Google_Protobuf_Timestamp { Google_Protobuf_Timestamp(date: now.addingTimeInterval(offset)) }

    static func detect(_ rule: PodDecision.Rule, pod: Podguard_V1_PodState, node: Podguard_V1_NodeState?,
                       connectivity: [Podguard_V1_ArrayConnectivity] = []) -> DetectionTime.Detection {
        DetectionTime.detection(rule: rule, pod: pod, node: node, connectivity: connectivity, taintKeys: keys, now: now)
    }

    @Test("unreachable: the NoExecute taint's time_added, else the node's Ready transition, else its observation")
    func unreachable() {
        let pod = Fixture.pod("pg-0", node: "w1")
        var node = Fixture.node("w1", taints: [("node.kubernetes.io/unreachable", .noSchedule), ("node.kubernetes.io/unreachable", .noExecute)])
        node.readyLastTransition = Self.at(-50)
        node.observedAt = Self.at(-10)
        node.taints[1].timeAdded = Self.at(-45)
        #expect(Self.detect(.nodeUnreachableTaint, pod: pod, node: node)
                == .init(at: Self.now.addingTimeInterval(-45), by: "taint node.kubernetes.io/unreachable:NoExecute time_added"))
        node.taints[1].clearTimeAdded()
        #expect(Self.detect(.nodeUnreachableTaint, pod: pod, node: node) == .init(at: Self.now.addingTimeInterval(-50), by: "node Ready transition"))
        node.clearReadyLastTransition()
        #expect(Self.detect(.nodeUnreachableTaint, pod: pod, node: node) == .init(at: Self.now.addingTimeInterval(-10), by: "node observed"))
    }

    @Test("the pod turning not Ready later than the trigger is when the rule could first fire")
    func podReadyLater() {
        var pod = Fixture.pod("pg-0", node: "w1")
        pod.readyLastTransition = Self.at(-20)
        var node = Fixture.node("w1", taints: [("vxflexos.podmon.storage.dell.com", .noSchedule)])
        node.taints[0].timeAdded = Self.at(-60)
        #expect(Self.detect(.podguardTaint, pod: pod, node: node) == .init(at: Self.now.addingTimeInterval(-20), by: "pod Ready transition"))
        pod.readyLastTransition = Self.at(-90)
        #expect(Self.detect(.podguardTaint, pod: pod, node: node).at == Self.now.addingTimeInterval(-60))
    }

    @Test("connectivity loss: the earliest lost_since of a LOST verdict of this node uid; never in the future")
    func connectivityLoss() {
        let pod = Fixture.pod("pg-0", node: "w1")
        let node = Fixture.node("w1")
        var lost = Fixture.connectivity(node: "w1", .lost)
        lost.lostSince = Self.at(-30)
        var stale = Fixture.connectivity(node: "w1", .lost)
        stale.nodeUid = "uid-previous-w1"
        stale.lostSince = Self.at(-3000)
        #expect(Self.detect(.arrayConnectivityLoss, pod: pod, node: node, connectivity: [stale, lost])
                == .init(at: Self.now.addingTimeInterval(-30), by: "powerflex connectivity lost_since"))
        lost.lostSince = Self.at(+5)
        #expect(Self.detect(.arrayConnectivityLoss, pod: pod, node: node, connectivity: [lost]).at == Self.now)
        #expect(Self.detect(.arrayConnectivityLoss, pod: pod, node: node).by == "decision (no observation time known)")
    }

    @Test("the engine's fence request carries detected_at and detected_by, and its record carries the request")
    func engineSetsDetection() throws {
        var engine = Fixture.engine()
        _ = engine.handle(.pod(key: Fixture.podKey("pg-0"), Fixture.pod("pg-0", node: "w1")), now: Self.now)
        var node = Fixture.node("w1", taints: [("node.kubernetes.io/unreachable", .noExecute)])
        node.taints[0].timeAdded = Self.at(-42)
        let effects = engine.handle(.node(name: "w1", node), now: Self.now)
        guard case .claimAndRequest(let record, let request, _, _) = try #require(effects.first) else {
            Issue.record("no claim")
            return
        }
        #expect(request.detectedAt == Self.at(-42))
        #expect(request.detectedBy == "taint node.kubernetes.io/unreachable:NoExecute time_added")
        #expect(request.requestedAt.date == Self.now)
        #expect(record.request.detectedAt == request.detectedAt)
        #expect(DetectionTime.detectionToDecision(request) == .seconds(42))
    }

    @Test("detection_to_decision is measured for failovers only, never negative")
    func detectionToDecision() {
        var request = Podguard_V1_FenceRequest()
        request.reason = .arrayConnectivityLoss
        request.requestedAt = Self.at(0)
        #expect(DetectionTime.detectionToDecision(request) == nil)
        request.detectedAt = Self.at(-7)
        #expect(DetectionTime.detectionToDecision(request) == .seconds(7))
        request.detectedAt = Self.at(3)
        #expect(DetectionTime.detectionToDecision(request) == .zero)
        request.reason = .crashLoopBackOff
        #expect(DetectionTime.detectionToDecision(request) == nil)
        request.reason = .nodeFailure
        request.dryRun = true
        #expect(DetectionTime.detectionToDecision(request) == nil)
    }
}
