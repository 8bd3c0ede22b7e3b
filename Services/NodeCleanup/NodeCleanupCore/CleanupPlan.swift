public import Contracts
public import FamilyCatalog
public import Foundation
public import Policy

/// The pure parts of a cleanup attempt (`CleanupAttempt` does the I/O around them): which
/// volumes a moved pod left on the node, which node adapters to ask about its containers, how
/// further reasons join a taint verdict, and how long the node took to be clean again.
public enum CleanupPlan {
    /// The volumes the remediation recorded for the pod: its request's, else the record's statuses'.
    public static func volumes(of record: Podguard_V1_FenceRecord) -> [Podguard_V1_FenceVolume] {
        record.request.volumes.isEmpty ? record.volumes.map(\.volume) : record.request.volumes
    }

    /// The families whose node adapters are asked for the moved pods' containers: those of their
    /// volumes first, then every other (a volumeless pod has none; any adapter with a runtime will do).
    public static func families(of records: [Podguard_V1_FenceRecord]) -> [Podguard_V1_ArrayFamily] {
        let used = records.flatMap { volumes(of: $0).map(\.family) }.filter { $0 != .unspecified }
        var ordered: [Podguard_V1_ArrayFamily] = []
        for family in used + FamilyRegistry.contractFamilies where !ordered.contains(family) { ordered.append(family) }
        return ordered
    }

    /// Whether the record's node was powered off by the fence agent in the boot it runs now: a
    /// confirmed power-off ends a boot, so the same boot ID means the node never went down, and
    /// whatever ran there may run still. Its pod is not cleaned, and the taints stay, until a reboot.
    public static func awaitsReboot(_ record: Podguard_V1_FenceRecord, liveBootID: String) -> Bool {
        record.nodeProvenBy == .fenceAgent && !record.nodeProvenBootID.isEmpty && record.nodeProvenBootID == liveBootID
    }

    /// `verdict` with `more` reasons to keep the taint.
    public static func keeping(_ verdict: CleanupPolicy.TaintVerdict, _ more: [String]) -> CleanupPolicy.TaintVerdict {
        switch verdict {
        case .remove: .keep(reasons: more)
        case .keep(let reasons): .keep(reasons: reasons + more)
        }
    }

    /// Node Ready again (its Ready condition's lastTransitionTime) → taint removed; nil if the
    /// transition time is unknown; never negative (apiserver and node-cleanup clocks differ).
    public static func cleanupDuration(nodeReadySince: Date?, at now: Date) -> Duration? {
        nodeReadySince.map { .seconds(max(0, now.timeIntervalSince($0))) }
    }
}
