/// Where a phase comes in a remediation (`proto/podguard/v1/fence.proto`), for "at least this far"
/// comparisons. The wire numbers keep their first order; since fencing deletes the pod before its
/// VolumeAttachments, ATTACHMENTS_DELETED (5) follows EVENT_RECORDED (6).
extension Podguard_V1_FencePhase {
    public var progress: Int {
        switch self {
        case .unspecified: 0
        case .requested: 1
        case .validated: 2
        case .fenced: 3
        case .tainted: 4
        case .eventRecorded: 5
        case .attachmentsDeleted: 6
        case .podDeleted: 7
        case .aborted: 8
        case .UNRECOGNIZED: 9
        }
    }

    /// The remediation is over: the pod was deleted by it, or it was aborted. The one definition
    /// every service uses.
    public var isTerminal: Bool { self == .podDeleted || self == .aborted }
}

extension Podguard_V1_FenceRecord {
    /// Started and not over: it counts as a remediation in progress (storm limits, "already in
    /// progress").
    public var isLive: Bool { phase != .unspecified && !phase.isTerminal }
}
