import Contracts

/// One step of a remediation, in podmon's order (podmon-behaviour §2.5). Every step is idempotent
/// against the world, so a step repeated after a crash (before its phase was recorded) is harmless.
public enum RemediationStep: Sendable, Hashable, CaseIterable {
    /// Read-only re-check of safety invariant 1 before acting (the whole invariant until the node is
    /// fenced; afterwards only that the pod is still the one requested).
    case checkSafety
    /// ValidateHostConnectivity through each family's adapter.
    case validate
    /// ControllerUnpublishVolume of every volume through its family's adapter.
    case fence
    /// The podguard taint(s) on the node.
    case taint
    /// Delete the pod's VolumeAttachments to the node (not found counts as deleted).
    case deleteAttachments
    /// The Kubernetes Event on the pod (a failure is logged and never blocks).
    case recordEvent
    /// Delete the pod: grace 0 and UID precondition, or the normal grace period for CrashLoopBackOff.
    case deletePod

    /// The phase a successful step completes; `checkSafety` completes none.
    public var completedPhase: Podguard_V1_FencePhase? {
        switch self {
        case .checkSafety: nil
        case .validate: .validated
        case .fence: .fenced
        case .taint: .tainted
        case .deleteAttachments: .attachmentsDeleted
        case .recordEvent: .eventRecorded
        case .deletePod: .podDeleted
        }
    }
}
