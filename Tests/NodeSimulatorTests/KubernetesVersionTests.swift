import ArrayFamily
import Foundation
import Kube
import NodeSimulator
import Testing

/// Behaviour of Kubernetes that changed after 1.20 and that podguard builds on, checked on the
/// control plane under test when it has it (1.28 in `make test`). On an older control plane these
/// tests return at once: there the behaviour does not exist.
extension SimulatedClusterTests {
    /// A StatefulSet pod (evicted after 2 s) on a node whose interface went down, Terminating.
    func stuckPod(_ client: KubeClient, prefix: String) async throws -> (SimulatedCluster, namespace: String, pod: Pod, node: String, volume: String) {
        let namespace = try await SimTestCluster.namespace(client, prefix)
        let cluster = try await SimTestCluster.start(client, prefix: prefix)
        let pv = try await cluster.createPersistentVolume(family: .powerstore, name: "\(namespace)-web-0",
                                                          claim: (namespace: namespace, name: "data-web-0"))
        _ = try await client.create(SimTestCluster.statefulSet("web", namespace: namespace, family: .powerstore,
                                                               zone: cluster.configuration.zone, evictAfter: 2))
        try await eventually("web-0 Ready") {
            try await client.getIfPresent(Pod.self, name: "web-0", namespace: namespace)?.isReady == true
        }
        let pod = try await client.get(Pod.self, name: "web-0", namespace: namespace)
        let node = try #require(pod.nodeName)
        try await cluster.inject(.interfaceDown, on: node)
        try await eventually("web-0 evicted (Terminating)") {
            try await client.getIfPresent(Pod.self, name: "web-0", namespace: namespace)?.metadata.deletionTimestamp != nil
        }
        return (cluster, namespace, pod, node, pv.name)
    }

    /// 1.26+ (PodDisruptionConditions, on by default): the taint manager marks the pod it evicts
    /// with `DisruptionTarget=True` (reason `DeletionByTaintManager`) before deleting it, so a
    /// controller can tell an eviction of a dead node's pod from a user's delete.
    @Test func taintManagerEvictionCarriesTheDisruptionTargetCondition() async throws {
        let client = try await SimTestCluster.client()
        guard try await client.serverVersion().isAtLeast(1, 26) else { return }
        let (cluster, namespace, pod, node, _) = try await stuckPod(client, prefix: "disrupt")
        let evicted = try #require(try await client.getIfPresent(Pod.self, name: "web-0", namespace: namespace))
        #expect(evicted.uid == pod.uid)
        let condition = evicted.status?.conditions?.first { $0.type == "DisruptionTarget" }
        #expect(condition?.status == "True")
        #expect(condition?.reason == "DeletionByTaintManager")
        try await cluster.recover(.interfaceDown, on: node)
        #expect(cluster.violations.isEmpty)
        await cluster.stop()
    }

    /// 1.28 (NodeOutOfServiceVolumeDetach GA): on a NotReady node with the
    /// `node.kubernetes.io/out-of-service` taint, the pod GC force-deletes the Terminating pod and
    /// the attach/detach controller detaches its volume at once instead of after 6 minutes, so the
    /// StatefulSet's replacement runs elsewhere. (It trusts that the node really is down: podguard
    /// applies it only after a proven fence.)
    @Test func outOfServiceTaintForceDeletesAndDetaches() async throws {
        let client = try await SimTestCluster.client()
        guard try await client.serverVersion().isAtLeast(1, 28) else { return }
        let (cluster, namespace, pod, node, volume) = try await stuckPod(client, prefix: "oos")
        let taint = Taint(key: "node.kubernetes.io/out-of-service", value: "nodeshutdown", effect: "NoExecute")
        #expect(try await client.addTaint(taint, toNode: node))
        try await eventually("the old web-0 force-deleted", timeout: .seconds(120)) {
            try await client.getIfPresent(Pod.self, name: "web-0", namespace: namespace)?.uid != pod.uid
        }
        try await eventually("no VolumeAttachment of \(volume) to the dead node", timeout: .seconds(120)) {
            try await client.list(VolumeAttachment.self).items.allSatisfy {
                !($0.spec?.nodeName == node && $0.spec?.source.persistentVolumeName == volume)
            }
        }
        try await eventually("a new web-0 Ready on the healthy node", timeout: .seconds(120)) {
            guard let current = try await client.getIfPresent(Pod.self, name: "web-0", namespace: namespace) else { return false }
            return current.uid != pod.uid && current.isReady && current.nodeName != node
        }
        #expect(try await client.removeTaint(key: taint.key, effect: taint.effect, fromNode: node))
        try await cluster.recover(.interfaceDown, on: node)
        #expect(cluster.violations.isEmpty)
        await cluster.stop()
    }
}
