import Bus
import Contracts
import Foundation
public import OperatorViews
import SwiftProtobuf

extension OperatorBus {
    /// Everything the bus holds about `pod`: its PodState, its DecisionRecords (stream
    /// PODGUARD_EVENTS), the FenceRecords of every uid it had and the remediation records of their
    /// nodes. Throws `unknownPod` when there is nothing at all.
    public func podRecords(_ pod: PodReference) async throws -> PodRecords {
        let pods = try await bucket(topology.podsBucket)
        let current = try await read {
            try await pods.get(PodguardKeys.pod(namespace: pod.namespace, name: pod.name), as: Podguard_V1_PodState.self)?.value
        }
        let events = StoredMessages(connection: connection, stream: topology.eventStream.name)
        let decisionMessages = try await read {
            try await events.all(subject: subjects.decision(namespace: pod.namespace, pod: pod.name))
        }
        let decisions = decisionMessages.compactMap { try? Podguard_V1_DecisionRecord(serializedBytes: $0.payload) }
        // FenceRecords are keyed by pod uid: the pod's uids are the current one and those its
        // decisions named, but a record of an older uid may outlive its decisions, so every record is
        // matched by namespace and name.
        let fences = try await values(topology.fencesBucket, as: Podguard_V1_FenceRecord.self).map(\.value)
            .filter { $0.pod.namespace == pod.namespace && $0.pod.name == pod.name }
        var nodeRemediations: [Podguard_V1_NodeRemediationRecord] = []
        for node in Set(fences.map(\.nodeName)).sorted() {
            if let record = try await nodeRemediation(node: node) { nodeRemediations.append(record) }
        }
        let records = PodRecords(pod: pod, current: current, decisions: decisions, fences: fences, nodeRemediations: nodeRemediations)
        if records.isEmpty {
            throw OperatorError.unknownPod(
                "podguard knows nothing of pod \(pod): no PodState (it is not protected, or gone), no DecisionRecord in the last 24 h, no FenceRecord")
        }
        return records
    }
}
