import Foundation
import Kube
import Logging
import Synchronization

/// The kubelet's heartbeats: the node Lease (what the node controller watches first) and the
/// status with a fresh Ready `lastHeartbeatTime`, the boot ID and `volumesInUse`.
extension SimulatedNode {
    func heartbeat() async {
        let (running, registered) = record.withLock { ($0.lifecycle.kubeletRunning, $0.registered) }
        guard running, registered else { return }
        do {
            guard let node = try await context.client.getIfPresent(Node.self, name: name) else {
                // Someone deleted the Node object: a real kubelet registers it again on its next
                // status sync (with a new uid), and so do we.
                logger.info("node object deleted, registering again", metadata: ["node": "\(name)"])
                record.withLock { $0.registered = false }
                try await register()
                return
            }
            let owner = OwnerReference(apiVersion: "v1", kind: "Node", name: name, uid: node.uid ?? "")
            try await renewLease(owner: owner)
            try await postStatus(current: node)
            record.withLock { $0.lastHeartbeat = Date() }
        } catch {
            logger.debug("heartbeat failed", metadata: ["node": "\(name)", "error": "\(error)"])
        }
    }

    func renewLease(owner: OwnerReference) async throws {
        let client = context.client
        let now = Date()
        let duration = context.configuration.leaseDurationSeconds
        let name = self.name
        do {
            try await client.update(Lease.self, name: name, namespace: "kube-node-lease") { lease in
                if lease.spec == nil { lease.spec = LeaseSpec() }
                lease.spec?.holderIdentity = name
                lease.spec?.leaseDurationSeconds = duration
                lease.spec?.renewTime = now
            }
        } catch let error as KubeError where error.isNotFound {
            var lease = Lease(name: name, namespace: "kube-node-lease")
            lease.metadata.ownerReferences = [owner]
            lease.spec = LeaseSpec(holderIdentity: name, leaseDurationSeconds: duration, renewTime: now)
            _ = try await client.create(lease)
        }
    }

    private func postStatus(current: Node) async throws {
        let wasReady = current.readyCondition?.status == "True"
        // lastTransitionTime moves only when Ready changes (after the node controller set Unknown).
        let conditions = conditions(ready: true, transition: wasReady ? nil : Date())
        let volumesInUse = record.withLock { record in
            Set(record.pods.values.flatMap { $0.volumes.map(\.uniqueName) }).sorted()
        }
        let status: JSONValue = .object([
            "conditions": try JSONValue(encoding: conditions),
            "nodeInfo": try JSONValue(encoding: systemInfo()),
            "volumesInUse": .array(volumesInUse.map(JSONValue.string)),
        ])
        _ = try await context.client.patch(Node.self, name: name, patch: .strategicMerge(.object(["status": status])),
                                           subresource: "status")
    }
}
