import Harness
import BusService
import Bus
import Contracts
import Foundation
import OperatorViews
import SwiftProtobuf

/// Records as podguard's services write them, around one fixed moment, for the views' tests.
enum Records {
    /// 2024-05-01T10:00:00Z.
    static let base = Date(timeIntervalSince1970: 1_714_557_600)

    static func at(_ seconds: Double) -> Date { base.addingTimeInterval(seconds) }
    static func stamp(_ seconds: Double) -> Google_Protobuf_Timestamp { Google_Protobuf_Timestamp(date: at(seconds)) }
    static func clock(_ seconds: Double = 600) -> ViewClock { ViewClock(now: at(seconds), timeZone: TimeZone(identifier: "UTC")!) }

    static func header(_ seconds: Double, by producer: String = "decision-0") -> Podguard_V1_Header {
        var header = Podguard_V1_Header()
        header.producerID = producer
        header.producedAt = stamp(seconds)
        return header
    }

    static func pod(_ namespace: String = "db", _ name: String = "postgres-0", uid: String = "uid-1") -> Podguard_V1_ObjectRef {
        var ref = Podguard_V1_ObjectRef()
        ref.namespace = namespace
        ref.name = name
        ref.uid = uid
        return ref
    }

    /// decision's record of a fence on an unreachable node the arrays report disconnected and idle.
    static func fenceDecision(at seconds: Double = 252, node: String = "worker-3", notReadyFor: Int64 = 41) -> Podguard_V1_DecisionRecord {
        var record = Podguard_V1_DecisionRecord()
        record.header = header(seconds)
        record.decisionID = "d-1"
        record.pod = pod()
        record.nodeName = node
        record.inputs.nodeReady = .unknown
        record.inputs.nodeUnreachableNoSchedule = true
        record.inputs.nodeUnreachableNoExecute = true
        record.inputs.podReady = .false
        record.inputs.podPhase = "Running"
        record.inputs.connectivity = .lost
        record.inputs.nodeNotReadyFor = Google_Protobuf_Duration(seconds: notReadyFor)
        record.rule = .nodeUnreachableTaint
        record.outcome = .fenceRequested
        record.explanation = "pod not Ready on a node tainted node.kubernetes.io/unreachable"
        record.fenceID = "f-1"
        return record
    }

    static func transition(_ phase: Podguard_V1_FencePhase, _ seconds: Double, _ message: String = "", by: String = "fencing-0") -> Podguard_V1_FencePhaseTransition {
        var transition = Podguard_V1_FencePhaseTransition()
        transition.phase = phase
        transition.at = stamp(seconds)
        transition.by = by
        transition.message = message
        return transition
    }

    /// A failover that went through: detected 250, decided 252, fenced 255, deleted 258,
    /// replacement running 270 on worker-1, node cleaned at 900.
    static func completedFence(node: String = "worker-3", pod podRef: Podguard_V1_ObjectRef = pod()) -> Podguard_V1_FenceRecord {
        var record = Podguard_V1_FenceRecord()
        record.header = header(270, by: "fencing-0")
        record.fenceID = "f-1"
        record.decisionID = "d-1"
        record.pod = podRef
        record.nodeName = node
        record.reason = .nodeFailure
        record.phase = .podDeleted
        record.request.fenceID = "f-1"
        record.request.pod = podRef
        record.request.nodeName = node
        record.request.reason = .nodeFailure
        record.request.detectedAt = stamp(250)
        record.request.detectedBy = "taint node.kubernetes.io/unreachable:NoExecute time_added"
        record.request.requestedAt = stamp(252)
        var volume = Podguard_V1_FenceVolume()
        volume.pvName = "pv-1"
        volume.family = .powerflex
        record.request.volumes = [volume]
        var taint = Podguard_V1_Taint()
        taint.key = "vxflexos.podmon.storage.dell.com"
        taint.effect = .noSchedule
        record.taintsApplied = [taint]
        record.transitions = [
            transition(.requested, 252, by: "decision-0"), transition(.validated, 253), transition(.fenced, 255),
            transition(.tainted, 256), transition(.eventRecorded, 257), transition(.attachmentsDeleted, 258),
            transition(.podDeleted, 258.5),
        ]
        record.replacementRunningAt = stamp(270)
        record.replacementNodeName = "worker-1"
        record.replacementPodUid = "uid-2"
        return record
    }

    static func abortedFence() -> Podguard_V1_FenceRecord {
        var record = completedFence()
        record.phase = .aborted
        record.abortReason = .arrayConnectedOrIo
        record.abortMessage = "powerflex array 1: node connected"
        record.transitions = [transition(.requested, 252, by: "decision-0"), transition(.aborted, 254)]
        record.clearReplacementRunningAt()
        record.replacementNodeName = ""
        return record
    }

    /// A remediation waiting for its node's approval step.
    static func waitingFence() -> Podguard_V1_FenceRecord {
        var record = completedFence()
        record.phase = .requested
        record.transitions = [transition(.requested, 252, by: "decision-0")]
        record.awaitingNodeRemediation = "nr-1"
        record.clearReplacementRunningAt()
        record.replacementNodeName = ""
        record.header = header(260, by: "fencing-0")
        return record
    }

    static func nodeRemediation(state: Podguard_V1_NodeRemediationState = .climbing, rung: UInt32 = 1,
                                node: String = "worker-3", bootID: String = "boot-a") -> Podguard_V1_NodeRemediationRecord {
        var record = Podguard_V1_NodeRemediationRecord()
        record.header = header(300, by: "fencing-0")
        record.remediationID = "nr-1"
        record.nodeName = node
        record.bootID = bootID
        record.startedByFenceID = "f-1"
        record.storageFailure = "array connected or recent I/O"
        var agent = Podguard_V1_LadderRung()
        agent.step = .fenceAgent
        agent.timeoutSeconds = 180
        var approval = Podguard_V1_LadderRung()
        approval.step = .approval
        approval.timeoutSeconds = 3600
        record.ladder = [agent, approval]
        record.ladderName = "default"
        record.state = state
        record.rung = rung
        record.startedAt = stamp(260)
        record.rungStartedAt = stamp(rung == 0 ? 260 : 440)
        if rung >= 1 {
            var outcome = Podguard_V1_LadderOutcome()
            outcome.step = .fenceAgent
            outcome.result = .failed
            outcome.detail = "BMC 10.0.0.3 unreachable"
            outcome.at = stamp(440)
            record.history = [outcome]
        }
        return record
    }

    static func node(_ name: String, ready: Podguard_V1_ConditionStatus = .true, since seconds: Double = 0,
                     taints: [(String, Podguard_V1_TaintEffect)] = []) -> Podguard_V1_NodeState {
        var node = Podguard_V1_NodeState()
        node.name = name
        node.ready = ready
        node.readyLastTransition = stamp(seconds)
        node.taints = taints.map { key, effect in
            var taint = Podguard_V1_Taint()
            taint.key = key
            taint.effect = effect
            return taint
        }
        return node
    }

    static func podState(_ name: String, node: String, uid: String = UUID().uuidString) -> Podguard_V1_PodState {
        var pod = Podguard_V1_PodState()
        pod.namespace = "db"
        pod.name = name
        pod.uid = uid
        pod.nodeName = node
        pod.phase = "Running"
        pod.ready = .true
        return pod
    }

    static func connectivity(_ node: String, _ verdict: Podguard_V1_ConnectivityVerdict, family: Podguard_V1_ArrayFamily = .powerflex,
                             lostSince: Double? = nil) -> Podguard_V1_ArrayConnectivity {
        var value = Podguard_V1_ArrayConnectivity()
        value.nodeName = node
        value.family = family
        value.verdict = verdict
        if let lostSince { value.lostSince = stamp(lostSince) }
        return value
    }

    static func alert(_ reason: String, severity: Podguard_V1_Severity = .warning, at seconds: Double, summary: String = "",
                      id: String = UUID().uuidString) -> Podguard_V1_Alert {
        var alert = Podguard_V1_Alert()
        alert.header = header(seconds)
        alert.alertID = id
        alert.severity = severity
        alert.reason = reason
        alert.summary = summary
        return alert
    }

    static func pause(on: Bool = true, reason: String = "PowerMax upgrade, CHG-1234", by: String = "alice",
                      at seconds: Double = 0, expiresAt: Double? = nil) -> Podguard_V1_PauseSwitch {
        var value = Podguard_V1_PauseSwitch()
        value.header = header(seconds, by: "podguard-cli/\(by)")
        value.paused = on
        value.reason = reason
        value.by = by
        if let expiresAt { value.expiresAt = stamp(expiresAt) }
        return value
    }
}
