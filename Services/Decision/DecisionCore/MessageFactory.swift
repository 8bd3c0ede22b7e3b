public import Contracts
public import Foundation
public import Policy
public import SwiftProtobuf

/// Builds the contract messages decision publishes. Deterministic given its inputs and ids.
public struct MessageFactory: MessageProducer, Sendable {
    public let producerID: String
    public let version: String

    public init(producerID: String, version: String) {
        self.producerID = producerID
        self.version = version
    }

    public func podRef(_ pod: Podguard_V1_PodState) -> Podguard_V1_ObjectRef {
        var ref = Podguard_V1_ObjectRef()
        ref.namespace = pod.namespace
        ref.name = pod.name
        ref.uid = pod.uid
        return ref
    }

    public func decisionRecord(id: String, pod: Podguard_V1_PodState, node: Podguard_V1_NodeState?, inputs: Podguard_V1_DecisionInputs,
                        decision: PodDecision, affinityGroup: String, fenceID: String, trigger: String, dryRun: Bool,
                        now: Date) -> Podguard_V1_DecisionRecord {
        var record = Podguard_V1_DecisionRecord()
        record.header = header(at: now, correlation: id)
        record.decisionID = id
        record.pod = podRef(pod)
        record.nodeName = pod.nodeName
        record.nodeUid = node?.uid ?? ""
        record.inputs = inputs
        record.rule = decision.rule
        record.outcome = decision.outcome
        record.explanation = decision.explanation
        record.affinityGroup = affinityGroup
        record.fenceID = fenceID
        record.trigger = trigger
        record.dryRun = dryRun
        return record
    }

    public func fenceRequest(id: String, decisionID: String, pod: Podguard_V1_PodState, node: Podguard_V1_NodeState?,
                      reason: Podguard_V1_FenceReason, inputs: Podguard_V1_DecisionInputs, taints: [Podguard_V1_Taint],
                      affinityGroup: String, skipValidation: Bool, crashLoopRetry: Int, now: Date) -> Podguard_V1_FenceRequest {
        var request = Podguard_V1_FenceRequest()
        request.header = header(at: now, correlation: decisionID)
        request.fenceID = id
        request.decisionID = decisionID
        request.pod = podRef(pod)
        request.workload = RepeatGuard.workload(pod)
        request.nodeName = pod.nodeName
        request.nodeUid = node?.uid ?? ""
        let drivers = Set(pod.volumes.map(\.driver))
        request.csiNodeIds = (node?.csiNodeIds ?? [:]).filter { drivers.contains($0.key) }
        request.reason = reason
        request.volumes = pod.volumes.filter { $0.bound && !$0.volumeHandle.isEmpty }.map { volume in
            var fenceVolume = Podguard_V1_FenceVolume()
            fenceVolume.pvName = volume.pvName
            fenceVolume.pvcName = volume.pvcName
            fenceVolume.driver = volume.driver
            fenceVolume.family = volume.family
            fenceVolume.volumeHandle = volume.volumeHandle
            fenceVolume.arrayIds = volume.arrayIds
            fenceVolume.readWriteMany = volume.accessModes.contains("ReadWriteMany")
            fenceVolume.block = volume.block
            fenceVolume.volumeAttachmentName = volume.volumeAttachmentName
            return fenceVolume
        }
        request.nodeUnreachableNoExecute = inputs.nodeUnreachableNoExecute
        request.nodePodguardTainted = inputs.nodePodguardTainted || inputs.nodeDriverOfflineTainted
        request.skipValidation = skipValidation
        request.affinityGroup = affinityGroup
        request.requestedAt = Google_Protobuf_Timestamp(date: now)
        request.taints = taints
        request.crashLoopRetry = UInt32(clamping: crashLoopRetry)
        return request
    }

    public func fenceRecord(for request: Podguard_V1_FenceRequest, now: Date) -> Podguard_V1_FenceRecord {
        requestedRecord(for: request, note: "decision \(request.decisionID)", at: now)
    }

    public func alert(id: String, severity: Podguard_V1_Severity, reason: String, summary: String, pod: Podguard_V1_PodState?,
                      node: String, decisionID: String, fenceID: String = "", labels: [String: String] = [:], now: Date) -> Podguard_V1_Alert {
        alert(id: id, severity: severity, reason: reason, summary: summary, node: node, pod: pod.map(podRef),
              decisionID: decisionID, fenceID: fenceID, labels: labels, at: now)
    }

    /// A DecisionRecord about a node rather than a pod (taints, outages).
    public func nodeDecisionRecord(id: String, node: Podguard_V1_NodeState?, rule: Podguard_V1_DecisionRecord.Rule,
                            outcome: Podguard_V1_DecisionRecord.Outcome, explanation: String, now: Date) -> Podguard_V1_DecisionRecord {
        var record = Podguard_V1_DecisionRecord()
        record.header = header(at: now, correlation: id)
        record.decisionID = id
        record.nodeName = node?.name ?? ""
        record.nodeUid = node?.uid ?? ""
        record.rule = rule
        record.outcome = outcome
        record.explanation = explanation
        return record
    }

    public func taint(key: String) -> Podguard_V1_Taint {
        var taint = Podguard_V1_Taint()
        taint.key = key
        taint.effect = .noSchedule
        return taint
    }

    public func taintRequest(id: String, decisionID: String, node: Podguard_V1_NodeState, key: String,
                      action: Podguard_V1_NodeTaintRequest.Action, reason: Podguard_V1_FenceReason, message: String,
                      dryRun: Bool, now: Date) -> Podguard_V1_NodeTaintRequest {
        var request = Podguard_V1_NodeTaintRequest()
        request.header = header(at: now, correlation: decisionID)
        request.requestID = id
        request.decisionID = decisionID
        request.nodeName = node.name
        request.nodeUid = node.uid
        request.taint = taint(key: key)
        request.action = action
        request.reason = reason
        request.message = message
        request.dryRun = dryRun
        return request
    }
}
