import Contracts
import Foundation
import Policy
import SwiftProtobuf
import Testing

@Suite("one remediation per workload per outage")
struct RepeatGuardTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static func at(_ seconds: TimeInterval) -> Date { t0.addingTimeInterval(seconds) }
    static let moved = RepeatGuard.Remediation(podUID: "old", node: "w1", deletedAt: t0)

    enum Expect: Equatable { case go, wait }

    /// (name, rule, pod created, earlier, now, expected)
    static let table: [(String, PodDecision.Rule, Date?, [RepeatGuard.Remediation], Date, Expect)] = [
        ("replacement on a node that lost the array too", .arrayConnectivityLoss, at(1), [moved], at(30), .wait),
        ("replacement on a podguard-tainted node", .podguardTaint, at(1), [moved], at(30), .wait),
        ("replacement where the driver pod is down", .driverOfflineTaint, at(1), [moved], at(30), .wait),
        ("replacement on a node whose kubelet stopped: a failure of its own", .nodeUnreachableTaint, at(1), [moved], at(30), .go),
        ("after the window", .arrayConnectivityLoss, at(1), [moved], at(301), .go),
        ("a pod that was there before the remediation (same evacuation, or two nodes at once)",
         .arrayConnectivityLoss, at(-60), [moved], at(30), .go),
        ("created a moment before the recorded delete: the clocks of apiserver and fencing differ",
         .arrayConnectivityLoss, at(-2), [moved], at(30), .wait),
        ("creation time unknown: never held back", .arrayConnectivityLoss, nil, [moved], at(30), .go),
        ("no earlier remediation", .arrayConnectivityLoss, at(1), [], at(30), .go),
        ("its own remediation is no repeat", .arrayConnectivityLoss, at(1),
         [RepeatGuard.Remediation(podUID: "new", node: "w1", deletedAt: t0)], at(30), .go),
    ]

    @Test("held back or not", arguments: table)
    func decide(_ name: String, _ rule: PodDecision.Rule, _ created: Date?, _ earlier: [RepeatGuard.Remediation],
                _ now: Date, _ expected: Expect) {
        let why = RepeatGuard.withhold(rule: rule, podUID: "new", node: "w2", created: created, earlier: earlier,
                                       now: now, window: .seconds(300))
        #expect((why == nil ? Expect.go : .wait) == expected, "\(name)")
        if let why { #expect(why.contains("moved off w1") && why.contains("on w2")) }
    }

    @Test("the workload: a StatefulSet pod's name, else its owner, else the pod")
    func workload() {
        var pod = Podguard_V1_PodState()
        pod.namespace = "db"
        pod.name = "pg-0"
        #expect(RepeatGuard.workload(pod) == "db/Pod/pg-0")
        pod.ownerKind = "StatefulSet"
        pod.ownerName = "pg"
        #expect(RepeatGuard.workload(pod) == "db/StatefulSet/pg/pg-0")
        pod.ownerKind = "ReplicaSet"
        pod.ownerName = "web-5d8"
        #expect(RepeatGuard.workload(pod) == "db/ReplicaSet/web-5d8")
    }
}

