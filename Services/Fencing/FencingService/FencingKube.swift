import Contracts
import FencingCore
import Foundation
import Kube

/// The Kubernetes calls fencing makes, each idempotent: reading the live pod and node, taints
/// (read-modify-update that never drops another writer's taint), VolumeAttachment and pod deletes
/// where "not found" is done, and Events that never fail a remediation.
struct FencingKube: Sendable {
    let client: KubeClient
    let events: EventRecorder
    private let nodeReads = InFlightCalls<LiveNode?>()
    private let taintAdds = InFlightCalls<Bool>()

    init(client: KubeClient, events: EventRecorder) {
        self.client = client
        self.events = events
    }

    func livePod(namespace: String, name: String) async throws -> LivePod? {
        guard let pod = try await client.getIfPresent(Pod.self, name: name, namespace: namespace) else { return nil }
        let crashLooping = (pod.status?.containerStatuses ?? []).contains { $0.state?.waiting?.reason == "CrashLoopBackOff" }
        return LivePod(uid: pod.metadata.uid ?? "", nodeName: pod.nodeName ?? "", ready: pod.isReady, crashLoopBackOff: crashLooping,
                       readyReason: pod.status?.conditions?.first { $0.type == "Ready" }?.reason ?? "")
    }

    /// The node as it is now; concurrent reads of one node are joined (`InFlightCalls`).
    func liveNode(_ name: String) async throws -> LiveNode? {
        try await nodeReads.value(for: name) { [client] in
            guard let node = try await client.getIfPresent(Node.self, name: name) else { return nil }
            let condition = node.readyCondition
            // An absent condition reads as Unknown without a transition time: never "silent".
            let ready = Podguard_V1_ConditionStatus(kubernetes: condition?.status)
            return LiveNode(uid: node.metadata.uid ?? "", taints: node.taints.map { LiveNode.Taint(key: $0.key, effect: $0.effect) },
                            csiNodeIDs: node.csiNodeIDs, ready: ready, readySince: condition?.lastTransitionTime,
                            bootID: node.status?.nodeInfo?.bootID ?? "", labels: node.metadata.labels ?? [:],
                            attachedVolumes: node.status?.volumesAttached?.map(\.name))
        }
    }

    /// Adds the taint unless present; returns whether the node changed (true also for a caller
    /// that joined the call that added it).
    func addTaint(_ taint: Podguard_V1_Taint, to node: String) async throws -> Bool {
        let kubeTaint = Taint(key: taint.key, value: taint.value.isEmpty ? nil : taint.value, effect: taint.effect.kubernetesName)
        return try await taintAdds.value(for: "\(node)|\(kubeTaint.key)|\(kubeTaint.effect)") { [client] in
            try await client.addTaint(kubeTaint, toNode: node)
        }
    }

    /// Removes the taint (key and effect) if present; returns whether the node changed.
    func removeTaint(_ taint: Podguard_V1_Taint, from node: String) async throws -> Bool {
        try await client.removeTaint(key: taint.key, effect: taint.effect.kubernetesName, fromNode: node)
    }

    /// The names of the VolumeAttachments of these PVs to the node (podmon lists them all too).
    func attachments(node: String, persistentVolumes: Set<String>) async throws -> [String] {
        try await client.listAll(VolumeAttachment.self).items.filter {
            $0.spec?.nodeName == node && persistentVolumes.contains($0.spec?.source.persistentVolumeName ?? "")
        }.compactMap(\.metadata.name)
    }

    /// Every VolumeAttachment, reduced to what `RepublicationGuard` compares (paginated list).
    func allAttachments() async throws -> [RepublicationWatchList.Attachment] {
        try await client.listAll(VolumeAttachment.self).items.compactMap { attachment in
            guard let name = attachment.metadata.name, let node = attachment.spec?.nodeName,
                  let pv = attachment.spec?.source.persistentVolumeName else { return nil }
            return RepublicationWatchList.Attachment(name: name, node: node, persistentVolume: pv)
        }
    }

    /// Whether a pod other than `excludingUID`, now on `node`, uses the claim: its attachment of
    /// the claim's volume to that node is wanted, not a stale re-attach.
    func podOnNodeUses(claim: String, namespace: String, node: String, excludingUID: String) async throws -> Bool {
        let options = ListOptions(fieldSelector: "spec.nodeName=\(node)")
        return try await client.listAll(Pod.self, namespace: namespace, options: options).items.contains {
            $0.metadata.uid != excludingUID && $0.claimNames.contains(claim)
        }
    }

    /// Deletes a VolumeAttachment; false when it was already gone. An error is retried once, as podmon does.
    func deleteAttachment(_ name: String) async throws -> Bool {
        for attempt in 1...2 {
            do {
                try await client.delete(VolumeAttachment.self, name: name)
                return true
            } catch let error as KubeError where error.isNotFound {
                return false
            } catch where attempt == 1 {
                continue
            }
        }
        return false
    }

    enum PodDeletion: Sendable, Equatable {
        case deleted
        /// No pod of that name.
        case gone
        /// The name belongs to another uid (the UID precondition failed).
        case replaced
    }

    /// Deletes the pod with a UID precondition: `gracePeriod` 0 is podmon's force delete.
    func deletePod(namespace: String, name: String, uid: String, gracePeriod: Int64?) async throws -> PodDeletion {
        do {
            try await client.delete(Pod.self, name: name, namespace: namespace,
                                    options: DeleteOptions(gracePeriodSeconds: gracePeriod, preconditionUID: uid))
            return .deleted
        } catch let error as KubeError where error.isNotFound {
            return .gone
        } catch let error as KubeError where error.isConflict {
            return .replaced
        }
    }

    /// A Warning Event on the pod; false (logged by the recorder) when it could not be written.
    func recordEvent(on pod: Podguard_V1_ObjectRef, reason: String, note: String) async -> Bool {
        let regarding = ObjectReference(apiVersion: "v1", kind: "Pod", namespace: pod.namespace, name: pod.name, uid: pod.uid)
        return await events.record(regarding: regarding, type: "Warning", reason: reason, note: note)
    }
}
