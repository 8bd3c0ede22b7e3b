import SwiftProtobuf
import Foundation
public import Contracts

// The names the contract gives its enum values (without the type's prefix), as operators see them
// in alerts, docs and `podguard-tap`. SwiftProtobuf keeps its name table internal, hence the
// switches; a value from a newer contract prints as its number.

extension Podguard_V1_DecisionRecord.Rule {
    public var name: String {
        switch self {
        case .none: "NONE"
        case .nodeUnreachableTaint: "NODE_UNREACHABLE_TAINT"
        case .podguardTaint: "PODGUARD_TAINT"
        case .driverOfflineTaint: "DRIVER_OFFLINE_TAINT"
        case .arrayConnectivityLoss: "ARRAY_CONNECTIVITY_LOSS"
        case .crashLoopBackOff: "CRASH_LOOP_BACK_OFF"
        case .driverPodDown: "DRIVER_POD_DOWN"
        case .arrayOutage: "ARRAY_OUTAGE"
        case .driverOutage: "DRIVER_OUTAGE"
        case .UNRECOGNIZED(let value): "RULE_\(value)"
        }
    }
}

extension Podguard_V1_DecisionRecord.Outcome {
    public var name: String {
        switch self {
        case .unspecified: "UNSPECIFIED"
        case .noAction: "NO_ACTION"
        case .fenceRequested: "FENCE_REQUESTED"
        case .deleteRequested: "DELETE_REQUESTED"
        case .taintRequested: "TAINT_REQUESTED"
        case .withheldDryRun: "WITHHELD_DRY_RUN"
        case .withheldStormLimit: "WITHHELD_STORM_LIMIT"
        case .withheldApprovalPending: "WITHHELD_APPROVAL_PENDING"
        case .alreadyInProgress: "ALREADY_IN_PROGRESS"
        case .refused: "REFUSED"
        case .withheldPaused: "WITHHELD_PAUSED"
        case .withheldOutage: "WITHHELD_OUTAGE"
        case .withheldRepeat: "WITHHELD_REPEAT"
        case .UNRECOGNIZED(let value): "OUTCOME_\(value)"
        }
    }
}

extension Podguard_V1_FencePhase {
    public var name: String {
        switch self {
        case .unspecified: "UNSPECIFIED"
        case .requested: "REQUESTED"
        case .validated: "VALIDATED"
        case .fenced: "FENCED"
        case .tainted: "TAINTED"
        case .attachmentsDeleted: "ATTACHMENTS_DELETED"
        case .eventRecorded: "EVENT_RECORDED"
        case .podDeleted: "POD_DELETED"
        case .aborted: "ABORTED"
        case .UNRECOGNIZED(let value): "PHASE_\(value)"
        }
    }
}

extension Podguard_V1_FenceReason {
    /// The Kubernetes Event reason fencing records ("NodeFailure").
    public var name: String {
        switch self {
        case .unspecified: "Unspecified"
        case .nodeFailure: "NodeFailure"
        case .arrayConnectivityLoss: "ArrayConnectivityLoss"
        case .driverPodOffline: "DriverPodOffline"
        case .crashLoopBackOff: "CrashLoopBackOff"
        case .UNRECOGNIZED(let value): "Reason\(value)"
        }
    }
}

extension Podguard_V1_NodeRemediationState {
    public var name: String {
        switch self {
        case .unspecified: "UNSPECIFIED"
        case .climbing: "CLIMBING"
        case .proven: "PROVEN"
        case .exhausted: "EXHAUSTED"
        case .denied: "DENIED"
        case .abandoned: "ABANDONED"
        case .UNRECOGNIZED(let value): "STATE_\(value)"
        }
    }
}

extension Podguard_V1_ConnectivityVerdict {
    public var name: String {
        switch self {
        case .unknown: "UNKNOWN"
        case .connected: "CONNECTED"
        case .lost: "LOST"
        case .UNRECOGNIZED(let value): "VERDICT_\(value)"
        }
    }
}

extension Podguard_V1_ConditionStatus {
    /// Kubernetes' spelling: "True", "False", "Unknown".
    public var name: String {
        switch self {
        case .true: "True"
        case .false: "False"
        case .unknown, .UNRECOGNIZED: "Unknown"
        }
    }
}

extension Podguard_V1_Severity {
    public var name: String {
        switch self {
        case .unspecified: "UNSPECIFIED"
        case .info: "INFO"
        case .warning: "WARNING"
        case .critical: "CRITICAL"
        case .UNRECOGNIZED(let value): "SEVERITY_\(value)"
        }
    }
}

extension Podguard_V1_Taint {
    /// "key=value:Effect", or "key:Effect" without a value, as kubectl writes a taint.
    public var text: String {
        (value.isEmpty ? key : "\(key)=\(value)") + ":" + effect.kubernetesName
    }
}
