extension Podguard_V1_AbortReason {
    /// "ARRAY_CONNECTED_OR_IO" for `.arrayConnectedOrIo`: the contract's name without the type's
    /// prefix, as fencing's alerts, metric labels and logs and the operator's CLI show it.
    /// SwiftProtobuf keeps its name table internal, hence the switch.
    public var name: String {
        switch self {
        case .unspecified: "UNSPECIFIED"
        case .arrayConnectedOrIo: "ARRAY_CONNECTED_OR_IO"
        case .missingCsiAnnotations: "MISSING_CSI_ANNOTATIONS"
        case .validationError: "VALIDATION_ERROR"
        case .fenceFailed: "FENCE_FAILED"
        case .taintFailed: "TAINT_FAILED"
        case .attachmentDeleteFailed: "ATTACHMENT_DELETE_FAILED"
        case .podDeleteFailed: "POD_DELETE_FAILED"
        case .podReplaced: "POD_REPLACED"
        case .csiUnavailable: "CSI_UNAVAILABLE"
        case .dryRun: "DRY_RUN"
        case .safetyCheckFailed: "SAFETY_CHECK_FAILED"
        case .noArrayProof: "NO_ARRAY_PROOF"
        case .nodeNotProvenSafe: "NODE_NOT_PROVEN_SAFE"
        case .UNRECOGNIZED(let value): "ABORT_REASON_\(value)"
        }
    }
}
