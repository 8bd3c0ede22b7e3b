public import Contracts

/// The one writer of FenceRecords (bucket `podguard-fences`, one record per pod uid). decision
/// creates a record, or replaces an ABORTED one (`start`, the attempt count continues); a fencing
/// replica takes ownership of a live record (`own`, counting the attempt) and writes each phase at
/// the revision it read; node-cleanup and fencing's replacement observer change a record by
/// read–modify–compare-and-set (`modify`).
public typealias FenceRecordStore = RecordStore<Podguard_V1_FenceRecord>

extension Podguard_V1_FenceRecord: OwnedRecord {
    public var recordKey: String { PodguardKeys.fence(podUID: pod.uid) }
    public var remediationIdentity: String { fenceID }
    public var isFinished: Bool { phase.isTerminal }
    public var isReplaceable: Bool { phase == .aborted }

    public mutating func continuing(from replaced: Self) {
        attempts = replaced.attempts + 1
    }
}

extension RecordStore where Record == Podguard_V1_FenceRecord {
    public static func key(podUID: String) -> String { PodguardKeys.fence(podUID: podUID) }
}

/// The one writer of NodeRemediationRecords (bucket `podguard-node-remediations`, one per node). A
/// fencing replica whose pod remediation needs its node proven safe creates the node's record, or
/// replaces a finished one (`start`: one remediator per node); the replica that owns a live record
/// (`own`) climbs it.
public typealias NodeRemediationStore = RecordStore<Podguard_V1_NodeRemediationRecord>

extension Podguard_V1_NodeRemediationRecord: OwnedRecord {
    public var recordKey: String { PodguardKeys.node(nodeName) }
    public var remediationIdentity: String { remediationID }
    public var isFinished: Bool { state != .climbing && state != .unspecified }
    public var isReplaceable: Bool { isFinished }

    public mutating func continuing(from replaced: Self) {}
}
