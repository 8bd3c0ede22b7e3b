import Contracts
import FamilyCatalog
import Foundation
import Kube
import SwiftProtobuf

extension StateProjector {
    /// The PodState of a protected pod, its volumes resolved pod volume → PVC → PV →
    /// VolumeAttachment on the pod's node.
    public func podState(_ pod: WatchedPod, in cluster: some ClusterLookup, now: Date) -> Podguard_V1_PodState {
        var state = Podguard_V1_PodState()
        state.header = header(at: now)
        state.namespace = pod.namespace ?? ""
        state.name = pod.name
        state.uid = pod.uid ?? ""
        state.nodeName = pod.nodeName ?? ""
        state.phase = pod.status?.phase ?? ""
        let ready = pod.readyCondition
        state.ready = Podguard_V1_ConditionStatus(kubernetes: ready?.status)
        if let time = Self.timestamp(ready?.lastTransitionTime) { state.readyLastTransition = time }
        state.hostIp = pod.status?.hostIP ?? ""
        state.podIp = pod.status?.podIP ?? ""
        state.containers = (pod.status?.initContainerStatuses ?? []).map { Self.container($0, initContainer: true) }
            + (pod.status?.containerStatuses ?? []).map { Self.container($0, initContainer: false) }
        state.crashLoopBackOff = state.containers.contains { $0.waitingReason == "CrashLoopBackOff" }
        if let owner = pod.metadata.ownerReferences?.first(where: { $0.controller == true }) {
            state.ownerKind = owner.kind
            state.ownerName = owner.name
        }
        state.protectionLabelValue = pod.metadata.labels?[labelKey] ?? ""
        state.affinityLabels = Self.affinityLabels(pod.spec?.affinity)
        state.volumes = (pod.spec?.volumes ?? []).compactMap { volume in
            volume.persistentVolumeClaim.map { self.volumeState(volume.name, claimName: $0.claimName, of: pod, in: cluster) }
        }
        if let time = Self.timestamp(pod.metadata.deletionTimestamp) { state.deletionTimestamp = time }
        if let time = Self.timestamp(pod.metadata.creationTimestamp) { state.creationTimestamp = time }
        if let grace = pod.metadata.deletionGracePeriodSeconds { state.deletionGracePeriodSeconds = grace }
        state.resourceVersion = pod.resourceVersion ?? ""
        state.observedAt = Google_Protobuf_Timestamp(date: now)
        return state
    }

    func volumeState(_ podVolumeName: String, claimName: String, of pod: WatchedPod, in cluster: some ClusterLookup) -> Podguard_V1_VolumeState {
        var state = Podguard_V1_VolumeState()
        state.podVolumeName = podVolumeName
        state.pvcName = claimName
        guard let claim = cluster.claim(namespace: pod.namespace ?? "", name: claimName) else { return state }
        let volumeName = claim.spec?.volumeName ?? ""
        state.pvName = volumeName
        state.accessModes = claim.spec?.accessModes ?? []
        state.block = claim.spec?.volumeMode == "Block"
        guard !volumeName.isEmpty else { return state }
        state.bound = claim.status?.phase == "Bound"
        guard let volume = cluster.volume(named: volumeName) else { return state }
        if let modes = volume.spec?.accessModes, !modes.isEmpty { state.accessModes = modes }
        if let mode = volume.spec?.volumeMode { state.block = mode == "Block" }
        if let csi = volume.spec?.csi {
            state.driver = csi.driver
            state.family = families.contractFamily(ofDriver: csi.driver)
            state.volumeHandle = csi.volumeHandle
            state.arrayIds = families.arrayIDs(driver: csi.driver, volumeHandle: csi.volumeHandle)
        }
        if let node = pod.nodeName, !node.isEmpty {
            let attachments = cluster.attachments(ofVolume: volumeName, onNode: node)
            // Normally one; prefer the attached one if a stale one lingers.
            if let attachment = attachments.first(where: { $0.status?.attached == true }) ?? attachments.first {
                state.volumeAttachmentName = attachment.name
                state.attached = attachment.status?.attached ?? false
            }
        }
        return state
    }

    static func container(_ status: ContainerStatus, initContainer: Bool) -> Podguard_V1_ContainerState {
        var state = Podguard_V1_ContainerState()
        state.name = status.name
        state.containerID = status.containerID ?? ""
        if let waiting = status.state?.waiting {
            state.status = .waiting
            state.waitingReason = waiting.reason ?? ""
        } else if status.state?.running != nil {
            state.status = .running
        } else if let terminated = status.state?.terminated {
            state.status = .terminated
            state.terminatedReason = terminated.reason ?? ""
            state.exitCode = terminated.exitCode
        }
        state.restartCount = status.restartCount
        state.ready = status.ready
        state.initContainer = initContainer
        return state
    }

    /// podmon's hostname affinity group: of the required pod-affinity terms with topology key
    /// kubernetes.io/hostname, the matchLabels plus every value of every `In` expression (written
    /// to the same key one after the other, so the last value wins).
    static func affinityLabels(_ affinity: Affinity?) -> [String: String] {
        var labels: [String: String] = [:]
        for term in affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []
        where term.topologyKey == "kubernetes.io/hostname" {
            for (key, value) in term.labelSelector?.matchLabels ?? [:] { labels[key] = value }
            for requirement in term.labelSelector?.matchExpressions ?? [] where requirement.operator == "In" {
                for value in requirement.values ?? [] { labels[requirement.key] = value }
            }
        }
        return labels
    }
}
