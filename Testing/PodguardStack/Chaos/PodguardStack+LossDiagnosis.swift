import Bus
import BusService
import Contracts
import Foundation
import Kube
import SwiftProtobuf

extension PodguardStack {
    /// Where a lost remediation stopped, in one line: what the API server says of the pod's node,
    /// what the watcher published of node and pod (the state buckets, read from their leaders),
    /// what the prober published of the node's arrays, decision's last DecisionRecord for the pod,
    /// the pod's FenceRecords and the fault proxy's watches. A lost remediation stopped at the
    /// first of these that disagrees with the fault.
    func lossDiagnosis(of pod: DeployedPod) async -> String {
        var parts: [String] = []
        if let node = try? await kube.get(Node.self, name: pod.node) {
            let ready = node.readyCondition
            parts.append("API node Ready=\(ready?.status ?? "?")/\(ready?.reason ?? "?") taints \(node.taints.map(\.key).sorted())")
        } else {
            parts.append("API node unreadable")
        }
        let now = Date()
        func age(_ header: Podguard_V1_Header) -> String {
            header.hasProducedAt ? "\(Int(now.timeIntervalSince(header.producedAt.date)))s old" : "no time"
        }
        do {
            let jetStream = try bus.jetStream()
            let nodes = try await jetStream.keyValue(topology.nodesBucket)
            if let state = try await nodes.get(PodguardKeys.node(pod.node), as: Podguard_V1_NodeState.self)?.value {
                parts.append("bucket node ready=\(state.ready)/\(state.readyReason) taints \(state.taints.map(\.key).sorted()) (\(age(state.header)))")
            } else {
                parts.append("bucket node missing")
            }
            let pods = try await jetStream.keyValue(topology.podsBucket)
            if let state = try await pods.get(PodguardKeys.pod(namespace: pod.namespace, name: pod.name), as: Podguard_V1_PodState.self)?.value {
                parts.append("bucket pod uid \(state.uid == pod.uid ? "same" : "other") on \(state.nodeName) \(state.phase) ready=\(state.ready) (\(age(state.header)))")
            } else {
                parts.append("bucket pod missing")
            }
            let connectivity = try await jetStream.keyValue(topology.connectivityBucket)
            var verdicts: [String] = []
            for key in try await connectivity.keys().sorted() where key.hasSuffix("." + PodguardKeys.node(pod.node)) {
                if let state = try await connectivity.get(key, as: Podguard_V1_ArrayConnectivity.self)?.value {
                    verdicts.append("\(key) \(state.verdict) (\(age(state.header)))")
                }
            }
            parts.append("connectivity \(verdicts.isEmpty ? "none" : verdicts.joined(separator: ", "))")
        } catch {
            parts.append("buckets unreadable: \(error)")
        }
        if let decision = auditor.decisions.last(where: { $0.pod.uid == pod.uid }) {
            parts.append("last decision \(decision.rule)/\(decision.outcome) (\(age(decision.header))): \(decision.explanation)")
        } else {
            parts.append("no DecisionRecord")
        }
        let records = auditor.fenceRecords(podUID: pod.uid)
        let fences = Dictionary(grouping: records, by: \.fenceID)
        parts.append(fences.isEmpty ? "no FenceRecord"
                     : "FenceRecords " + fences.values.map { revisions in
                         let last = revisions[revisions.count - 1]
                         return "\(last.phase)\(last.abortReason == .unspecified ? "" : " \(last.abortReason): \(last.abortMessage)")"
                     }.sorted().joined(separator: "; "))
        if let apiFaults {
            let watches = apiFaults.watches
            parts.append("fault proxy: \(watches.open) watches open, \(watches.ended) ended")
        }
        return parts.joined(separator: "; ")
    }
}
