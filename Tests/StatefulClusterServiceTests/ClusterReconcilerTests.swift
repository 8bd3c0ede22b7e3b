import Foundation
import StatefulClusterCore
import Testing

/// Names from a fixed list, so plans are exact.
struct ScriptedNames: PodNameSource {
    var suffixes: [String]
    init(_ suffixes: [String] = (0..<40).map { String(format: "n%09d", $0) }) { self.suffixes = suffixes }
    mutating func nextSuffix() -> String { suffixes.removeFirst() }
}

@Suite("StatefulCluster reconcile rules")
struct ClusterReconcilerTests {
    static let now = Date(timeIntervalSince1970: 1_000_000)
    static func ago(_ seconds: Double) -> Date { now.addingTimeInterval(-seconds) }

    static func pod(_ name: String, revision: String = "r1", phase: ObservedPod.Phase = .active, node: String? = "n1",
                    healthy: Bool = true, readyFor: Double? = 600, notReadyFor: Double? = nil, age: Double = 1000) -> ObservedPod {
        let placement: ObservedPod.Placement = node.map { healthy ? .healthyNode($0) : .failedNode($0) } ?? .unscheduled
        return ObservedPod(name: name, uid: "uid-\(name)", revision: revision, phase: phase, placement: placement, createdAt: ago(age),
                           readySince: readyFor.map(ago), notReadySince: notReadyFor.map(ago))
    }

    /// A cluster with one claim template `data`; unless `claims` says otherwise, every pod has its claim.
    static func cluster(replicas: Int, pods: [ObservedPod] = [], claims: [ObservedClaim]? = nil, revision: String = "r1",
                        liveness: Duration? = .seconds(300), retention: ClaimRetentionPolicy = .init(), minReady: Int = 0,
                        pending: Set<String> = []) -> ClusterObservation {
        ClusterObservation(name: "db", replicas: replicas, revision: revision, claimTemplates: ["data"], minReadySeconds: minReady,
                           livenessTimeout: liveness, retention: retention, pods: pods,
                           claims: claims ?? pods.map { ObservedClaim(name: "data-\($0.name)", podName: $0.name) }, pendingCreations: pending)
    }

    static func plan(_ cluster: ClusterObservation) -> ReconcilePlan {
        var names = ScriptedNames()
        return ClusterReconciler.plan(cluster, now: now, names: &names)
    }

    static func condition(_ plan: ReconcilePlan, _ kind: ClusterCondition.Kind) -> ClusterCondition? {
        plan.status.conditions.first { $0.type == kind }
    }

    @Test("an empty cluster gets every pod at once, each with its own claims")
    func createsInParallel() {
        let plan = Self.plan(Self.cluster(replicas: 3))
        #expect(plan.creations.map(\.podName) == ["db-n000000000", "db-n000000001", "db-n000000002"])
        #expect(plan.creations.map(\.claims) == plan.creations.map { ["data": "data-\($0.podName)"] })
        #expect(plan.podDeletions.isEmpty)
        #expect(Self.condition(plan, .progressing)?.status == true)
        #expect(Self.condition(plan, .available)?.status == false)
    }

    @Test("a settled cluster is left alone and says so")
    func settled() {
        let plan = Self.plan(Self.cluster(replicas: 2, pods: [Self.pod("db-a"), Self.pod("db-b")]))
        #expect(!plan.changesObjects)
        #expect(Self.condition(plan, .progressing)?.status == false)
        #expect(Self.condition(plan, .available)?.status == true)
        #expect(plan.status.currentPods == ["db-a", "db-b"] && plan.status.readyReplicas == 2 && plan.status.updatedReplicas == 2)
        #expect(plan.requeueAfter == nil)
    }

    @Test("a failed or evicted pod is deleted and replaced by a new identity at once")
    func terminalReplaced() {
        let plan = Self.plan(Self.cluster(replicas: 2, pods: [Self.pod("db-a"), Self.pod("db-b", phase: .terminal(reason: "Evicted"))]))
        #expect(plan.podDeletions == [.init(podName: "db-b", uid: "uid-db-b", reason: .terminal)])
        #expect(plan.creations.map(\.podName) == ["db-n000000000"])
    }

    @Test("a terminating pod still counts: its replacement waits until it is gone")
    func terminatingCounts() {
        let plan = Self.plan(Self.cluster(replicas: 2, pods: [Self.pod("db-a"), Self.pod("db-b", phase: .terminating)]))
        #expect(plan.creations.isEmpty && plan.podDeletions.isEmpty)
        #expect(Self.condition(plan, .progressing)?.reason == "ReplacingPods")
    }

    @Test("a pod on a failed node is never replaced by the liveness rule: podguard fences it first")
    func failedNodeLeftToPodguard() {
        let stuck = Self.pod("db-b", healthy: false, readyFor: nil, notReadyFor: 3600)
        let plan = Self.plan(Self.cluster(replicas: 2, pods: [Self.pod("db-a"), stuck]))
        #expect(plan.podDeletions.isEmpty && plan.creations.isEmpty)
        #expect(Self.condition(plan, .awaitingFencing)?.status == true)
        #expect(Self.condition(plan, .awaitingFencing)?.message.contains("db-b") == true)
        // Once podguard force-deleted it, the replacement comes.
        let after = Self.plan(Self.cluster(replicas: 2, pods: [Self.pod("db-a")]))
        #expect(after.creations.count == 1)
        #expect(Self.condition(after, .awaitingFencing)?.status == false)
    }

    @Test("a pod not Ready past the liveness timeout on a healthy node is replaced; before it, a look is scheduled")
    func liveness() {
        let late = Self.plan(Self.cluster(replicas: 1, pods: [Self.pod("db-a", readyFor: nil, notReadyFor: 301)]))
        #expect(late.podDeletions == [.init(podName: "db-a", uid: "uid-db-a", reason: .notLive)])
        #expect(late.creations.count == 1)
        let early = Self.plan(Self.cluster(replicas: 1, pods: [Self.pod("db-a", readyFor: nil, notReadyFor: 100)]))
        #expect(early.podDeletions.isEmpty && early.creations.isEmpty)
        #expect(early.requeueAfter == .seconds(200))
        let off = Self.plan(Self.cluster(replicas: 1, pods: [Self.pod("db-a", readyFor: nil, notReadyFor: 99_999)], liveness: nil))
        #expect(!off.changesObjects && off.requeueAfter == nil)
        // Unscheduled pods are not live-checked: a new name would not find a node either.
        let pending = Self.plan(Self.cluster(replicas: 1, pods: [Self.pod("db-a", node: nil, readyFor: nil, notReadyFor: 99_999)]))
        #expect(!pending.changesObjects)
    }

    @Test("scale-down deletes unscheduled, then not Ready, then the newest, and marks their claims with whenScaled")
    func scaleDown() {
        let pods = [Self.pod("db-old", age: 5000), Self.pod("db-new", age: 10), Self.pod("db-sick", readyFor: nil, notReadyFor: 5),
                    Self.pod("db-nowhere", node: nil, readyFor: nil, notReadyFor: 5), Self.pod("db-mid", age: 100)]
        let claims = pods.map { ObservedClaim(name: "data-\($0.name)", podName: $0.name) }
        let plan = Self.plan(Self.cluster(replicas: 2, pods: pods, claims: claims, retention: .init(whenScaled: .delete)))
        #expect(plan.podDeletions.map(\.podName) == ["db-nowhere", "db-sick", "db-new"])
        #expect(plan.podDeletions.allSatisfy { $0.reason == .scaledDown })
        #expect(plan.claimMarks == ["data-db-nowhere": .delete, "data-db-sick": .delete, "data-db-new": .delete])
        #expect(plan.claimDeletions.isEmpty, "claims go only once their pod is gone")
    }

    @Test("claims of a gone pod follow their mark, else whenReplaced", arguments: [
        (nil as ClaimRetention?, ClaimRetention.retain, false), (nil, .delete, true),
        (.retain, .delete, false), (.delete, .retain, true),
    ])
    func claimsOfGonePods(mark: ClaimRetention?, whenReplaced: ClaimRetention, deleted: Bool) {
        let claims = [ObservedClaim(name: "data-db-gone", podName: "db-gone", markedRetention: mark),
                      ObservedClaim(name: "data-db-a", podName: "db-a")]
        let plan = Self.plan(Self.cluster(replicas: 1, pods: [Self.pod("db-a")], claims: claims,
                                          retention: .init(whenReplaced: whenReplaced)))
        #expect(plan.claimDeletions == (deleted ? ["data-db-gone"] : []))
    }

    @Test("a claim of a pod still being created is not taken for an orphan, nor is the pod made twice")
    func pendingCreations() {
        let plan = Self.plan(Self.cluster(replicas: 2, pods: [Self.pod("db-a")], claims: [ObservedClaim(name: "data-db-p", podName: "db-p")],
                                          retention: .init(whenReplaced: .delete), pending: ["db-p"]))
        #expect(plan.creations.isEmpty && plan.claimDeletions.isEmpty)
    }

    @Test("an active pod's missing claim is made again, unless its creation is still on its way or the pod is going")
    func missingClaims() {
        let pods = [Self.pod("db-a"), Self.pod("db-b"), Self.pod("db-c", phase: .terminating)]
        var cluster = Self.cluster(replicas: 2, pods: pods, claims: [ObservedClaim(name: "data-db-a", podName: "db-a")])
        #expect(Self.plan(cluster).claimCreations == [.init(podName: "db-b", template: "data", claimName: "data-db-b")])
        cluster.pendingClaims = ["data-db-b"]
        #expect(Self.plan(cluster).claimCreations.isEmpty)
    }

    @Test("whenDeleted: Delete puts an owner reference on every claim; Retain takes it off")
    func ownership() {
        let claims = [ObservedClaim(name: "data-db-a", podName: "db-a", ownedByCluster: false),
                      ObservedClaim(name: "data-db-b", podName: "db-b", ownedByCluster: true)]
        let pods = [Self.pod("db-a"), Self.pod("db-b")]
        #expect(Self.plan(Self.cluster(replicas: 2, pods: pods, claims: claims, retention: .init(whenDeleted: .delete))).claimOwnership
            == ["data-db-a": true])
        #expect(Self.plan(Self.cluster(replicas: 2, pods: pods, claims: claims)).claimOwnership == ["data-db-b": false])
    }

    @Test("new names avoid every name in use, including claims left by gone pods")
    func namesAvoidTaken() {
        var names = ScriptedNames(["aaaaaaaaaa", "bbbbbbbbbb", "cccccccccc"])
        let cluster = Self.cluster(replicas: 2, pods: [Self.pod("db-aaaaaaaaaa")],
                                   claims: [ObservedClaim(name: "data-db-bbbbbbbbbb", podName: "db-bbbbbbbbbb")])
        let plan = ClusterReconciler.plan(cluster, now: Self.now, names: &names)
        #expect(plan.creations.map(\.podName) == ["db-cccccccccc"])
    }

    @Test("a template change rolls out one new identity at a time, retiring an old pod only once the new one is available")
    func rollout() {
        let old = [Self.pod("db-a"), Self.pod("db-b")]
        // Settled on r1, template now r2: surge one.
        let surge = Self.plan(Self.cluster(replicas: 2, pods: old, revision: "r2", minReady: 10))
        #expect(surge.creations.count == 1 && surge.podDeletions.isEmpty)
        #expect(Self.condition(surge, .progressing)?.reason == "RollingOut")
        // The surge pod is Ready but not yet for minReadySeconds: wait, and look again then.
        let young = Self.pod("db-c", revision: "r2", readyFor: 4)
        let waiting = Self.plan(Self.cluster(replicas: 2, pods: old + [young], revision: "r2", minReady: 10))
        #expect(!waiting.changesObjects)
        #expect(waiting.requeueAfter == .seconds(6))
        // Available: retire one old pod.
        let grown = Self.pod("db-c", revision: "r2", readyFor: 60)
        let retire = Self.plan(Self.cluster(replicas: 2, pods: old + [grown], revision: "r2", minReady: 10))
        #expect(retire.podDeletions.count == 1 && retire.podDeletions[0].reason == .rolledOut && retire.creations.isEmpty)
        // While the retired pod terminates, nothing new.
        let terminating = Self.plan(Self.cluster(replicas: 2, pods: [Self.pod("db-a", phase: .terminating), Self.pod("db-b"), grown],
                                                 revision: "r2", minReady: 10))
        #expect(!terminating.changesObjects)
        // Done: every pod on r2.
        let done = Self.plan(Self.cluster(replicas: 2, pods: [grown, Self.pod("db-d", revision: "r2")], revision: "r2"))
        #expect(!done.changesObjects && done.status.currentRevision == "r2" && Self.condition(done, .progressing)?.status == false)
    }

    @Test("during a rollout an old pod that is not Ready goes at once, a Ready one waits for the new pod")
    func rolloutNotReadyOld() {
        let sickOld = Self.pod("db-a", readyFor: nil, notReadyFor: 5)
        let newPending = Self.pod("db-c", revision: "r2", readyFor: nil, notReadyFor: 1)
        let plan = Self.plan(Self.cluster(replicas: 2, pods: [sickOld, Self.pod("db-b"), newPending], revision: "r2"))
        #expect(plan.podDeletions.map(\.podName) == ["db-a"])
        #expect(plan.status.currentRevision == "r1" && plan.status.updateRevision == "r2" && plan.status.updatedReplicas == 1)
    }

    @Test("a condition keeps its transition time while its status holds")
    func transitionTimes() {
        var cluster = Self.cluster(replicas: 1, pods: [Self.pod("db-a")])
        let earlier = Self.ago(5000)
        cluster.previousConditions = [
            ClusterCondition(type: .available, status: true, reason: "MinimumReplicasAvailable", message: "", lastTransitionTime: earlier),
            ClusterCondition(type: .progressing, status: true, reason: "CreatingPods", message: "", lastTransitionTime: earlier),
        ]
        let plan = Self.plan(cluster)
        #expect(Self.condition(plan, .available)?.lastTransitionTime == earlier)
        #expect(Self.condition(plan, .progressing)?.lastTransitionTime == Self.now)
    }

    @Test("a failed creation is reported as ReplicaFailure")
    func replicaFailure() {
        var cluster = Self.cluster(replicas: 1)
        cluster.creationFailure = "creating pod db-x: exceeded quota"
        let plan = Self.plan(cluster)
        #expect(Self.condition(plan, .replicaFailure)?.status == true)
        #expect(Self.condition(plan, .replicaFailure)?.message == "creating pod db-x: exceeded quota")
    }

    @Test("the system's names have the documented alphabet and length")
    func systemNames() {
        var source = SystemPodNameSource()
        let suffix = source.nextSuffix()
        #expect(suffix.count == PodNaming.suffixLength && suffix.allSatisfy { PodNaming.alphabet.contains($0) })
    }
}
