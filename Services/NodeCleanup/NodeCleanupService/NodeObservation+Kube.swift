import Kube
import NodeCleanupCore
import Policy

extension NodeObservation {
    /// Reads a Node. Only NoSchedule taints count as podguard's (podmon: a `podmon` key with the
    /// NoExecute effect is not its taint).
    public init(_ node: Node, taintKeys: TaintKeys) {
        let ready = node.readyCondition
        self.init(
            name: node.metadata.name ?? "",
            uid: node.metadata.uid ?? "",
            bootID: node.status?.nodeInfo?.bootID ?? "",
            podguardTaintKeys: node.taints.filter { $0.effect == "NoSchedule" && taintKeys.isPodguard($0.key) }.map(\.key),
            ready: ready?.status == "True",
            unreachable: node.taints.contains { $0.key == TaintKeys.unreachable },
            outOfService: node.taints.contains { $0.key == TaintKeys.outOfService && $0.effect == "NoExecute" },
            readyTransitionTime: ready?.lastTransitionTime,
            lastHeartbeatTime: ready?.lastHeartbeatTime)
    }
}
