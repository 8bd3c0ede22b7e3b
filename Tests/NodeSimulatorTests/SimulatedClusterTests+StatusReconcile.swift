import Foundation
import Kube
import NodeSimulator
import Testing

/// The simulated kubelets' status reconcile, as the kubelet status manager's periodic sync: a
/// pod's Ready condition that someone else set to False on the API server (what the node lifecycle
/// controller does to the pods of a node it has not heard from) is written back to True by the
/// healthy kubelet within the reconcile period — its own view of the pod never changed, so nothing
/// else writes it — and by no kubelet while its node is under a fault.
extension SimulatedClusterTests {
    @Test func readinessChangedByAnotherWriterIsPostedAgainByAHealthyKubeletOnly() async throws {
        let client = try await SimTestCluster.client()
        let namespace = try await SimTestCluster.namespace(client, "recon")
        let period = Duration.seconds(3)
        let cluster = try await SimTestCluster.start(client, prefix: "recon") { $0.statusReconcileInterval = period }
        defer { Task { await cluster.stop() } }
        let (healthy, faulty) = (cluster.nodeNames[0], cluster.nodeNames[1])
        func pod(on node: String) async throws -> Pod { try await client.get(Pod.self, name: "app-\(node)", namespace: namespace) }

        for node in [healthy, faulty] {
            var pod = Pod(name: "app-\(node)", namespace: namespace)
            pod.spec = PodSpec(containers: [Container(name: "app", image: "registry.invalid/app:1")], nodeName: node)
            _ = try await client.create(pod)
        }
        for node in [healthy, faulty] {
            try await eventually("app-\(node) Running and Ready") {
                let current = try await pod(on: node)
                return current.isReady && current.status?.phase == "Running"
            }
        }

        try await cluster.inject(.interfaceDown, on: faulty)
        for node in [healthy, faulty] { try await markNotReady("app-\(node)", namespace: namespace, client) }
        #expect(try await !pod(on: healthy).isReady)

        // Bounds of a few periods (a loaded machine), not an assertion on speed.
        try await eventually("app-\(healthy) Ready again", timeout: period * 3, every: .milliseconds(100)) {
            try await pod(on: healthy).isReady
        }
        try await Task.sleep(for: period * 3)
        #expect(try await !pod(on: faulty).isReady, "a node whose interface is down posted a pod status")
        #expect(try cluster.snapshot(of: faulty).state == .interfaceDown)

        // Back: the node's kubelet kept running, its own view did not change; the reconcile writes
        // Ready again (over the node controller's not-Ready of the outage, if that came too).
        try await cluster.recover(.interfaceDown, on: faulty)
        try await eventually("app-\(faulty) Ready again after the interface came back", timeout: period * 3 + .seconds(10),
                             every: .milliseconds(100)) {
            try await pod(on: faulty).isReady
        }
        #expect(cluster.violations.isEmpty)
        await cluster.stop()
    }
}

/// What the node lifecycle controller writes to the pods of a node it marked Unknown: the Ready
/// condition False, nothing else (a strategic merge: conditions merge by type).
private func markNotReady(_ name: String, namespace: String, _ client: KubeClient) async throws {
    let condition: JSONValue = .object([
        "type": .string("Ready"), "status": .string("False"), "lastTransitionTime": .string(KubeTime.format(Date())),
    ])
    _ = try await client.patch(Pod.self, name: name, namespace: namespace,
                               patch: .strategicMerge(.object(["status": .object(["conditions": .array([condition])])])),
                               subresource: "status")
}
