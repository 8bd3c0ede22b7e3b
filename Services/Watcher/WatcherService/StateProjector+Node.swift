import Contracts
import FamilyCatalog
import Foundation
import Kube
import SwiftProtobuf

extension StateProjector {
    /// The NodeState of `node`, with the driver node pods scheduled on it.
    public func nodeState(_ node: WatchedNode, in cluster: some ClusterLookup, now: Date) -> Podguard_V1_NodeState {
        var state = Podguard_V1_NodeState()
        state.header = header(at: now)
        state.name = node.name
        state.uid = node.uid ?? ""
        state.bootID = node.status?.nodeInfo?.bootID ?? ""
        let ready = node.readyCondition
        state.ready = Podguard_V1_ConditionStatus(kubernetes: ready?.status)
        if let time = Self.timestamp(ready?.lastTransitionTime) { state.readyLastTransition = time }
        state.readyReason = ready?.reason ?? ""
        state.taints = (node.spec?.taints ?? []).map(Self.taint)
        state.internalIp = node.internalIP ?? ""
        state.csiNodeIds = node.csiNodeIDs
        state.driverPods = cluster.driverPods(onNode: node.name).compactMap(driverPodState)
        state.resourceVersion = node.resourceVersion ?? ""
        state.observedAt = Google_Protobuf_Timestamp(date: now)
        let labels = node.metadata.labels ?? [:]
        state.labels = Dictionary(uniqueKeysWithValues: nodeLabels.compactMap { key in labels[key].map { (key, $0) } })
        state.unschedulable = node.spec?.unschedulable ?? false
        return state
    }

    /// A driver node pod, if its namespace names the driver it serves.
    func driverPodState(_ pod: WatchedPod) -> Podguard_V1_DriverPodState? {
        guard let driver = driverPods.driver(inNamespace: pod.namespace) else { return nil }
        var state = Podguard_V1_DriverPodState()
        state.driver = driver
        state.family = families.contractFamily(ofDriver: driver)
        state.namespace = pod.namespace ?? ""
        state.name = pod.name
        state.uid = pod.uid ?? ""
        let ready = pod.readyCondition
        state.ready = Podguard_V1_ConditionStatus(kubernetes: ready?.status)
        state.phase = pod.status?.phase ?? ""
        if let time = Self.timestamp(ready?.lastTransitionTime) { state.readyLastTransition = time }
        state.readyReason = ready?.reason ?? ""
        return state
    }

    static func taint(_ taint: Taint) -> Podguard_V1_Taint {
        var result = Podguard_V1_Taint()
        result.key = taint.key
        result.value = taint.value ?? ""
        result.effect = Podguard_V1_TaintEffect(kubernetes: taint.effect)
        if let time = timestamp(taint.timeAdded) { result.timeAdded = time }
        return result
    }
}
