import Foundation
public import Kube
public import StatefulClusterCore

extension ObservedPod {
    /// The facts of a pod the reconcile looks at; `node` is its node from the cache (nil: gone).
    public init(_ pod: Pod, node: Node?) {
        let phase: Phase
        switch pod.status?.phase {
        case "Failed", "Succeeded": phase = .terminal(reason: pod.status?.reason ?? pod.status?.phase ?? "")
        default: phase = pod.metadata.deletionTimestamp == nil ? .active : .terminating
        }
        let placement: Placement
        if let name = pod.nodeName, !name.isEmpty {
            placement = node.map(NodeHealth.isHealthy) == true ? .healthyNode(name) : .failedNode(name)
        } else {
            placement = .unscheduled
        }
        let ready = pod.status?.conditions?.first { $0.type == "Ready" }
        let created = pod.metadata.creationTimestamp ?? Date(timeIntervalSince1970: 0)
        self.init(name: pod.name, uid: pod.uid ?? "", revision: pod.metadata.labels?[StatefulClusterLabels.revision], phase: phase,
                  placement: placement, createdAt: created,
                  readySince: ready?.status == "True" ? (ready?.lastTransitionTime ?? created) : nil,
                  notReadySince: ready?.status == "True" ? nil : (ready?.lastTransitionTime ?? created))
    }
}

extension ObservedClaim {
    public init?(_ claim: PersistentVolumeClaim, clusterUID: String) {
        guard let pod = claim.metadata.labels?[StatefulClusterLabels.pod] else { return nil }
        self.init(name: claim.name, podName: pod, terminating: claim.metadata.deletionTimestamp != nil,
                  markedRetention: claim.metadata.annotations?[StatefulClusterLabels.retention].flatMap(ClaimRetention.init(rawValue:)),
                  ownedByCluster: claim.metadata.ownerReferences?.contains { $0.uid == clusterUID } ?? false)
    }
}

/// Whether a node may run a replacement: Ready, and without a taint that says it failed.
public enum NodeHealth {
    /// Taints that mean the node failed or is being remediated: the kubelet's, the out-of-service
    /// taint, and podguard's (`<driver>.podmon.storage.dell.com`).
    public static func isFailureTaint(_ key: String) -> Bool {
        key == "node.kubernetes.io/unreachable" || key == "node.kubernetes.io/not-ready" || key == "node.kubernetes.io/out-of-service"
            || key.hasSuffix(".podmon.storage.dell.com")
    }

    public static func isHealthy(_ node: Node) -> Bool {
        node.readyCondition?.status == "True" && !node.taints.contains { isFailureTaint($0.key) }
    }
}
