public import Contracts

/// One step of a remediation. Every step is idempotent against the world, so a step repeated after
/// a crash (before its phase was recorded) is harmless.
///
/// The order differs from podmon's (which deletes the VolumeAttachments before the pod): while the
/// pod exists, the attach/detach controller re-creates a deleted attachment for it and the attacher
/// publishes the volume to the fenced node again. So the pod goes first, then its attachments, and
/// the volumes are unpublished once more after both are gone.
public enum RemediationStep: Sendable, Hashable, CaseIterable {
    /// Read-only re-check of safety invariant 1 against the live pod and node, at the start of
    /// every delivery: the pod is the one requested, not Ready, and the trigger still holds.
    case checkSafety
    /// ValidateHostConnectivity through each family's adapter: asked live at every delivery before
    /// the pod is deleted; a recorded VALIDATED only spares the write.
    case validate
    /// ControllerUnpublishVolume of every volume through its family's adapter: done at every
    /// delivery before the pod is deleted, so the array itself confirms, moments before the delete,
    /// that no volume is published to the node (whatever the record says).
    case fence
    /// The podguard taint(s) on the node.
    case taint
    /// The Kubernetes Event on the pod (a failure is logged and never blocks).
    case recordEvent
    /// Delete the pod: grace 0 and UID precondition, or the normal grace period for CrashLoopBackOff.
    case deletePod
    /// Delete the pod's VolumeAttachments to the node, the pod being gone (not found counts as deleted).
    case deleteAttachments
    /// ControllerUnpublishVolume of every volume again, pod and attachments gone: undoes a
    /// publication the attach/detach controller made in between, and confirms the fence.
    case confirmFenced

    /// The phase a successful step completes; `checkSafety` and `deletePod` complete none (the
    /// delete intent, recorded before the delete, marks the pod as deleted by this remediation).
    public var completedPhase: Podguard_V1_FencePhase? {
        switch self {
        case .checkSafety, .deletePod: nil
        case .validate: .validated
        case .fence: .fenced
        case .taint: .tainted
        case .recordEvent: .eventRecorded
        case .deleteAttachments: .attachmentsDeleted
        case .confirmFenced: .podDeleted
        }
    }
}

public extension RemediationStep {
    /// A step that runs once the pod is deleted.
    var followsTheDelete: Bool { self == .deleteAttachments || self == .confirmFenced }
}
