import ArrayFamily
import Contracts
import CSISimulator
import Foundation
import Harness
import Kube
import NodeSimulator
import PodguardStack
import Testing
import TestSupport

/// StatefulClusters (seed 004) on the main stack: its two podguard-statefulcluster controllers
/// share one Lease; the CRD is the chart's, applied with kubectl.
extension EndToEndTests {
    /// `<cluster>-` and ten characters of the controller's alphabet (docs/statefulcluster.md).
    static func isIdentity(_ name: String, of cluster: String) -> Bool {
        guard name.hasPrefix("\(cluster)-") else { return false }
        let suffix = name.dropFirst(cluster.count + 1)
        return suffix.count == 10 && suffix.allSatisfy { "bcdfghjklmnpqrstvwxz2456789".contains($0) }
    }

    /// The names of the live pods of a StatefulCluster.
    static func podNames(_ stack: PodguardStack, _ cluster: String, _ namespace: String) async throws -> Set<String> {
        Set(try await stack.clusterPods(cluster, namespace: namespace).map(\.name))
    }

    static func kubectl(_ stack: PodguardStack, _ arguments: [String]) async throws -> String {
        let result = try await stack.plane.kubectl(arguments)
        try require(result.status == 0, "kubectl \(arguments.joined(separator: " ")) failed: \(result.output)")
        return result.output
    }

    /// (y) The seed's README example, applied with kubectl as written: three pods named
    /// `coder-<random>`, each with its claim `data-<pod>` and the selector's labels (the example's
    /// template has none); `kubectl scale` up and down through the scale subresource (the claims of
    /// scaled-away pods are kept and marked Retain); a deleted pod comes back under a new name; no
    /// name is ever seen twice; the status and printer columns say what is.
    @Test func theSeedExampleRunsScalesAndNeverReusesAName() async throws {
        let stack = try await Self.mainStack()
        try await stack.scenario("StatefulCluster: the seed's example") {
            let namespace = try await stack.makeNamespace("stc-seed")
            _ = try await Self.kubectl(stack, ["apply", "-n", namespace, "-f", StatefulClusterFiles.seedExample.path])
            var everSeen: Set<String> = []
            func expectPods(_ count: Int) async throws -> Set<String> {
                var names: Set<String> = []
                try await Wait.until("\(count) coder pods") {
                    names = try await Self.podNames(stack, "coder", namespace)
                    return names.count == count
                }
                for name in names {
                    try require(Self.isIdentity(name, of: "coder"), "pod name \(name)")
                    let pod = try await stack.kube.get(Pod.self, name: name, namespace: namespace)
                    let labels = pod.metadata.labels ?? [:]
                    try require(labels["app"] == "coder" && labels["enge.me/statefulcluster"] == "coder", "\(name) labels \(labels)")
                    try require(pod.claimNames == ["data-\(name)"], "\(name) claims \(pod.claimNames)")
                    try require(pod.metadata.ownerReferences?.first?.kind == "StatefulCluster", "\(name) owner")
                    _ = try await stack.kube.get(PersistentVolumeClaim.self, name: "data-\(name)", namespace: namespace)
                }
                everSeen.formUnion(names)
                return names
            }
            let first = try await expectPods(3)
            try await Wait.until("status: 3 replicas, the current pods, the generation observed") {
                let status = try await stack.kube.getObject(StatefulCluster.resource, name: "coder", namespace: namespace)?["status"]
                return status?["replicas"]?.intValue == 3 && status?["observedGeneration"]?.intValue == 1
                    && Set(status?["currentPods"]?.arrayValue?.compactMap(\.stringValue) ?? []) == first
            }
            let table = try await Self.kubectl(stack, ["get", "statefulcluster", "coder", "-n", namespace])
            try require(table.contains("DESIRED") && table.contains("READY") && table.contains("AVAILABLE"), "printer columns: \(table)")

            _ = try await Self.kubectl(stack, ["scale", "statefulcluster/coder", "-n", namespace, "--replicas", "5"])
            let five = try await expectPods(5)
            try require(first.isSubset(of: five), "scaling up replaced pods: \(first) → \(five)")

            _ = try await Self.kubectl(stack, ["scale", "statefulcluster/coder", "-n", namespace, "--replicas", "2"])
            let two = try await expectPods(2)
            for gone in five.subtracting(two) {
                let claim = try await stack.kube.get(PersistentVolumeClaim.self, name: "data-\(gone)", namespace: namespace)
                try require(claim.metadata.annotations?["statefulcluster.enge.me/retention"] == "Retain", "claim of scaled-away \(gone)")
            }

            let victim = try #require(two.sorted().first)
            _ = try await Self.kubectl(stack, ["delete", "pod", victim, "-n", namespace, "--wait=false"])
            var replaced: Set<String> = []
            try await Wait.until("\(victim) replaced by a new identity") {
                replaced = try await Self.podNames(stack, "coder", namespace)
                return replaced.count == 2 && !replaced.contains(victim)
            }
            let newcomer = try #require(replaced.subtracting(two).first)
            try require(!everSeen.contains(newcomer), "\(newcomer) was used before")
            _ = try await expectPods(2)
            try require(try await stack.kube.getIfPresent(PersistentVolumeClaim.self, name: "data-\(victim)", namespace: namespace) != nil,
                        "the replaced pod's claim was not retained")
        }
    }

    /// (z) The StatefulSet fields seed 004 does not support are refused at admission by the CRD's
    /// schema, each named in kubectl's error; nothing is created.
    @Test(arguments: ["serviceName: coder", "podManagementPolicy: Parallel", "updateStrategy: {type: OnDelete}",
                      "revisionHistoryLimit: 3", "ordinals: {start: 1}"])
    func unsupportedStatefulSetFieldsAreRefused(field: String) async throws {
        let stack = try await Self.mainStack()
        let namespace = try await stack.makeNamespace("stc-refused")
        let example = try String(contentsOf: StatefulClusterFiles.seedExample, encoding: .utf8)
            .replacingOccurrences(of: "  replicas: 3\n", with: "  replicas: 3\n  \(field)\n")
        let file = stack.directory.appendingPathComponent("refused-\(UUID().uuidString.prefix(6)).yaml")
        try example.write(to: file, atomically: true, encoding: .utf8)
        let result = try await stack.plane.kubectl(["apply", "-n", namespace, "-f", file.path])
        let name = String(field.prefix { $0 != ":" })
        #expect(result.status != 0, "\(field) accepted")
        #expect(result.output.contains("spec.\(name)"), "the error does not name spec.\(name): \(result.output)")
        #expect(try await stack.kube.getObject(StatefulCluster.resource, name: "coder", namespace: namespace) == nil)
        await stack.deleteNamespacesMade()
    }

    /// (aa) Both controllers SIGKILLed while the leader creates forty pods, then started again: the
    /// cluster ends with exactly forty pods, each with its claim and no claim without its pod, and
    /// stays there (no duplicate from a creation repeated, no pod lost from one cut short). Then the Lease: exactly one
    /// replica leads; killing it hands the Lease to the other, which carries on.
    @Test func controllersKilledMidReconcileDuplicateAndLoseNothing() async throws {
        let stack = try await Self.mainStack()
        try await stack.scenario("StatefulCluster: controllers killed mid-reconcile") {
            let namespace = try await stack.makeNamespace("stc-kill")
            let controllers = stack.processes(.statefulCluster)
            try require(controllers.count == 2, "\(controllers.count) controllers")
            let workload = ProtectedWorkload(name: "crowd", replicas: 0, families: [.powerflex])
            _ = try await stack.kube.createObject(StatefulCluster.resource, stack.statefulCluster(workload, namespace: namespace), namespace: namespace)
            _ = try await stack.kube.patch(StatefulCluster.self, name: "crowd", namespace: namespace,
                                           patch: .merge(.object(["spec": .object(["replicas": .number(40)])])))
            try await Wait.until("the first pods created", every: .milliseconds(20)) {
                !(try await Self.podNames(stack, "crowd", namespace)).isEmpty
            }
            for controller in controllers { controller.kill() }
            let atKill = try await Self.podNames(stack, "crowd", namespace).count
            try require(atKill <= 40, "\(atKill) pods at the kill")
            for controller in controllers { try controller.start() }
            try await stack.waitUntilReady(controllers)
            try await Wait.until("forty pods") { try await Self.podNames(stack, "crowd", namespace).count == 40 }
            // Stays at forty through more reconciles (a resync, the other replica's caches).
            try await Task.sleep(for: .seconds(3))
            let names = try await Self.podNames(stack, "crowd", namespace)
            try require(names.count == 40, "\(names.count) pods after settling (killed at \(atKill))")
            let claims = Set(try await stack.kube.list(PersistentVolumeClaim.self, namespace: namespace).items.map(\.name))
            // Every pod has its claim, and no claim was made for a pod that never came to be.
            try require(claims == Set(names.map { "data-powerflex-\($0)" }), "claims \(claims.count) for \(names.count) pods: "
                        + "\(claims.symmetricDifference(names.map { "data-powerflex-\($0)" }).sorted())")
            print("[e2e] StatefulCluster kill: \(atKill) of 40 pods existed at the kill; 40 after restart, \(claims.count) claims")

            // One leader; the Lease moves when it dies.
            let lease = try await stack.kube.get(Lease.self, name: "podguard-statefulcluster", namespace: "default")
            let holder = try #require(lease.spec?.holderIdentity)
            let leader = try #require(controllers.first { $0.id.qualifier == holder }, "holder \(holder) is not a controller")
            let standby = try #require(controllers.first { $0.id.qualifier != holder })
            leader.kill()
            try await Wait.until("\(standby.id) holds the Lease", timeout: .seconds(30)) {
                try await stack.kube.get(Lease.self, name: "podguard-statefulcluster", namespace: "default").spec?.holderIdentity == standby.id.qualifier
            }
            _ = try await stack.kube.patch(StatefulCluster.self, name: "crowd", namespace: namespace,
                                           patch: .merge(.object(["spec": .object(["replicas": .number(35)])])))
            try await Wait.until("the new leader scales to 35") { try await Self.podNames(stack, "crowd", namespace).count == 35 }
            try leader.start()
            try await stack.waitUntilReady([leader])
        }
    }

    /// (ab) A node with a StatefulCluster pod fails: podguard fences the node and force-deletes the
    /// pod (the controller does not replace a pod on a failed node); the replacement is a new
    /// identity on a new claim and volume, running on another node without waiting for the old
    /// volume; the old claim is retained. The pods carry podguard's protection label from the
    /// claims' StorageClass. The safety invariants hold throughout.
    @Test func aStatefulClusterPodOnAFailedNodeIsReplacedByANewIdentity() async throws {
        let stack = try await Self.mainStack()
        try await stack.scenario("StatefulCluster: node failure") {
            let namespace = try await stack.makeNamespace("stc-fail")
            let target = stack.nodeNames[1]
            let family = ArrayFamilyID.powerstore
            let workload = ProtectedWorkload(name: "ledger", replicas: 1, families: [family], preferredNode: target)
            let old = try await stack.deployCluster(workload, namespace: namespace)[0]
            try require(old.node == target, "pod started on \(old.node), not \(target)")
            let pod = try await stack.kube.get(Pod.self, name: old.name, namespace: namespace)
            let label = FamilyCatalog.family(family).podmonLabel
            try require(pod.metadata.labels?[label.key] == label.value, "protection label: \(pod.metadata.labels ?? [:])")

            try await stack.cluster.inject(.interfaceDown, on: target)
            let new = try await stack.waitForClusterPods(workload, namespace: namespace, replacing: [old])[0]
            try require(new.node != target, "replacement on the failed node")
            try require(new.name != old.name, "identity reused")
            try require(new.volumes[family] != old.volumes[family], "the replacement reuses the old volume")
            try require(stack.auditor.forcedDeletion(uid: old.uid) != nil, "the old pod was not force-deleted by podguard")
            let record = try #require(stack.auditor.fenceRecords(podUID: old.uid).last)
            try require(record.phase == .podDeleted, "fence record at \(record.phase)")
            try require(try await stack.kube.getIfPresent(PersistentVolumeClaim.self, name: "data-\(family.rawValue)-\(old.name)",
                                                          namespace: namespace) != nil, "the old claim was not retained")

            try await stack.cluster.recover(.interfaceDown, on: target)
            try await stack.waitUntilNodeClean(target)
        }
    }
}

extension EndToEndTests {
    /// (ac) Running pods (Unity claims from a pool of static PVs) through the rest of the roadmap:
    /// liveness — a pod whose readiness fails on a healthy node is replaced by a new identity after
    /// the cluster's `livenessTimeoutSeconds`, its claim deleted (`whenReplaced: Delete`); a
    /// template change rolled out one new identity at a time (never more than one pod over
    /// `replicas`, never fewer than `replicas` Ready); a scale-down whose claim goes
    /// (`whenScaled: Delete`).
    @Test func livenessRolloutAndRetentionOnRunningPods() async throws {
        let stack = try await Self.mainStack()
        try await stack.scenario("StatefulCluster: liveness, rollout, retention") {
            let namespace = try await stack.makeNamespace("stc-roll")
            let family = ArrayFamilyID.unity
            let workload = ProtectedWorkload(name: "roll", replicas: 2, families: [family])
            let first = try await stack.deployCluster(workload, namespace: namespace, spareVolumes: 5)
            func patchSpec(_ spec: [String: JSONValue]) async throws {
                _ = try await stack.kube.patch(StatefulCluster.self, name: workload.name, namespace: namespace,
                                               patch: .merge(.object(["spec": .object(spec)])))
            }
            try await patchSpec([
                "livenessTimeoutSeconds": .number(10),
                "persistentVolumeClaimRetentionPolicy": .object(["whenReplaced": .string("Delete"), "whenScaled": .string("Delete")]),
            ])
            func claim(of pod: String) async throws -> PersistentVolumeClaim? {
                try await stack.kube.getIfPresent(PersistentVolumeClaim.self, name: "data-\(family.rawValue)-\(pod)", namespace: namespace)
            }

            // Liveness.
            let stuck = first[0]
            try stack.cluster.setPodReady(stuck.uid, on: stuck.node, ready: false)
            let afterLiveness = try await stack.waitForClusterPods(workload, namespace: namespace, replacing: [stuck], timeout: .seconds(90))
            try require(stack.auditor.forcedDeletion(uid: stuck.uid) == nil, "the stuck pod was force-deleted, not replaced by liveness")
            try await Wait.until("the stuck pod's claim deleted (whenReplaced: Delete)") { try await claim(of: stuck.name) == nil }

            // Rollout.
            let before = Set(afterLiveness.map(\.name))
            var most = 0, fewestReady = Int.max
            try await patchSpec(["template": stack.podTemplate(workload).merging(annotation: "rollout", "2")])
            var rolled: [DeployedPod] = []
            try await Wait.until("every pod replaced by one of the new template", timeout: .seconds(180), every: .milliseconds(200)) {
                let pods = try await stack.clusterPods(workload.name, namespace: namespace)
                most = max(most, pods.count)
                fewestReady = min(fewestReady, pods.count { $0.isReady })
                guard pods.count == 2, pods.allSatisfy({ $0.isReady && !before.contains($0.name) }) else { return false }
                rolled = try await stack.waitForClusterPods(workload, namespace: namespace, timeout: .seconds(10))
                return true
            }
            try require(most <= 3, "\(most) live pods during the rollout (one over replicas at most)")
            try require(fewestReady >= 2, "only \(fewestReady) Ready pods during the rollout")
            try await Wait.until("status: both pods updated, one revision") {
                let status = try await stack.kube.getObject(StatefulCluster.resource, name: workload.name, namespace: namespace)?["status"]
                return status?["updatedReplicas"]?.intValue == 2 && status?["currentRevision"] == status?["updateRevision"]
            }
            // Rolled-out pods are replaced pods: their claims follow whenReplaced (Delete).
            for name in before { try await Wait.until("claim of rolled-out \(name) deleted") { try await claim(of: name) == nil } }

            // Scale-down.
            try await patchSpec(["replicas": .number(1)])
            var left: Set<String> = []
            try await Wait.until("one pod left") {
                left = Set(try await stack.clusterPods(workload.name, namespace: namespace).map(\.name))
                return left.count == 1
            }
            for gone in Set(rolled.map(\.name)).subtracting(left) {
                try await Wait.until("claim of scaled-away \(gone) deleted (whenScaled: Delete)") { try await claim(of: gone) == nil }
            }
            print("[e2e] StatefulCluster rollout: at most \(most) live pods, at least \(fewestReady) Ready")
        }
    }
}

extension JSONValue {
    /// This pod template with one more annotation (a template change, as a user's edit would be).
    func merging(annotation key: String, _ value: String) -> JSONValue {
        var template = self
        var metadata = template["metadata"]?.objectValue ?? [:]
        var annotations = metadata["annotations"]?.objectValue ?? [:]
        annotations[key] = .string(value)
        metadata["annotations"] = .object(annotations)
        template["metadata"] = .object(metadata)
        return template
    }
}
