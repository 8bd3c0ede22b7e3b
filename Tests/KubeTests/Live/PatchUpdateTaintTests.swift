import Foundation
import Kube
import Testing

@Suite("Patch, conflict retry and taints against the real apiserver", .timeLimit(.minutes(2)))
struct PatchUpdateTaintTests {
    @Test func theThreePatchKinds() async throws {
        let (client, _) = try await TestCluster.client()
        let ns = try await TestCluster.namespace(client, "patch", waitForServiceAccount: true)
        var pod = TestCluster.pod("p", namespace: ns, labels: ["a": "1", "b": "2"])
        pod.spec?.tolerations = [Toleration(key: "x", operator: "Exists", effect: "NoSchedule")]
        _ = try await client.create(pod)

        // Merge patch: set one label, delete another (null).
        let merged = try await client.patch(Pod.self, name: "p", namespace: ns, patch: .labels(["a": "10", "b": nil]))
        #expect(merged.metadata.labels == ["a": "10"])

        // Strategic merge: tolerations merge by... nothing (no merge key), but containers merge by
        // name: patching one container's image keeps its other fields.
        let strategic = try await client.patch(Pod.self, name: "p", namespace: ns, patch: .strategicMerge(.object([
            "spec": .object(["containers": .array([.object(["name": .string("main"), "image": .string("registry.invalid/app:2")])])]),
        ])))
        #expect(strategic.spec?.containers.count == 1)
        #expect(strategic.spec?.containers.first?.image == "registry.invalid/app:2")
        #expect(strategic.preserved?.raw["spec"]?["containers"]?.arrayValue?.first?["terminationMessagePath"] != nil)
        // The same body as a plain merge patch replaces the list: other container fields are gone
        // → the apiserver rejects the pod update (image-only changes are allowed, but a container
        // without its defaults differs in more). Proves the content type reached the server.
        await #expect(throws: KubeError.self) {
            try await client.patch(Pod.self, name: "p", namespace: ns, patch: .merge(.object([
                "spec": .object(["containers": .array([.object(["name": .string("other"), "image": .string("x")])])]),
            ])))
        }

        // JSON patch with a test operation: applies only if the label still has the value.
        let key = JSONPatchOperation.escape("podguard.io/fenced")
        let jsonPatched = try await client.patch(Pod.self, name: "p", namespace: ns, patch: .json([
            .test("/metadata/labels/a", .string("10")),
            .add("/metadata/labels/\(key)", .string("true")),
        ]))
        #expect(jsonPatched.metadata.labels?["podguard.io/fenced"] == "true")
        await #expect { try await client.patch(Pod.self, name: "p", namespace: ns, patch: .json([.test("/metadata/labels/a", .string("stale"))])) }
            throws: { ($0 as? KubeError)?.status?.code == 422 }

        // A merge patch computed from two typed values.
        var modified = jsonPatched
        modified.metadata.annotations = ["note": "from typed diff"]
        let diffed = try await client.patch(Pod.self, name: "p", namespace: ns, patch: Patch.merge(from: jsonPatched, to: modified))
        #expect(diffed.metadata.annotations?["note"] == "from typed diff")
        #expect(diffed.metadata.labels?["podguard.io/fenced"] == "true")
    }

    @Test func updateRetriesConflictsBetweenConcurrentUpdaters() async throws {
        let (client, _) = try await TestCluster.client()
        let ns = try await TestCluster.namespace(client, "conflict")
        var lease = Lease(name: "counter", namespace: ns)
        lease.spec = LeaseSpec(leaseTransitions: 0)
        _ = try await client.create(lease)
        // Two updaters, 10 increments each, racing on the same object: every increment must land.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<2 {
                group.addTask {
                    for _ in 0..<10 {
                        try await client.update(Lease.self, name: "counter", namespace: ns, maxAttempts: 50) { lease in
                            let count = lease.spec?.leaseTransitions ?? 0
                            lease.spec?.leaseTransitions = count + 1
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await client.get(Lease.self, name: "counter", namespace: ns).spec?.leaseTransitions == 20)
    }

    @Test func concurrentTaintWritersAreBothPreservedAndEditsAreIdempotent() async throws {
        let (client, _) = try await TestCluster.client()
        let node = try await client.create(TestCluster.node("taint"))
        let name = node.name
        defer { cleanUp(client, Node.self, name) }
        let keys = (0..<6).map { "writer\($0).podmon.storage.dell.com" }
        // Six writers at once, each adding its own taint (podmon's key format), each twice.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for key in keys {
                group.addTask {
                    try await client.addTaint(Taint(key: key, effect: "NoSchedule"), toNode: name)
                    let again = try await client.addTaint(Taint(key: key, effect: "NoSchedule"), toNode: name)
                    #expect(!again, "adding an existing taint changes nothing")
                }
            }
            try await group.waitForAll()
        }
        var taints = try await client.get(Node.self, name: name).taints
        for key in keys {
            #expect(taints.filter { $0.key == key && $0.effect == "NoSchedule" }.count == 1, "\(key) in \(taints)")
        }
        // Taints other writers (the apiserver's admission, the node controller) put there survive.
        let foreign = taints.filter { !keys.contains($0.key) }

        try await withThrowingTaskGroup(of: Void.self) { group in
            for key in keys.prefix(3) {
                group.addTask {
                    let removed = try await client.removeTaint(key: key, effect: "NoSchedule", fromNode: name)
                    let again = try await client.removeTaint(key: key, effect: "NoSchedule", fromNode: name)
                    #expect(removed)
                    #expect(!again, "removing a missing taint changes nothing")
                }
            }
            try await group.waitForAll()
        }
        taints = try await client.get(Node.self, name: name).taints
        #expect(Set(taints.map(\.key)).isSuperset(of: keys.suffix(3)))
        #expect(Set(taints.map(\.key)).isDisjoint(with: keys.prefix(3)))
        for other in foreign where other.key != "node.kubernetes.io/not-ready" && other.key != "node.kubernetes.io/unreachable" {
            #expect(taints.contains { $0.matches(other) }, "foreign taint \(other.key) kept")
        }
    }
}
