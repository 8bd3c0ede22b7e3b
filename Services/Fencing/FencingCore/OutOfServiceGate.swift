public import Contracts
import Policy

/// Whether a remediation's taint step also adds `node.kubernetes.io/out-of-service` (the fast path:
/// Kubernetes force-deletes the node's pods and detaches their volumes at once, without its
/// six-minute wait). That taint tells Kubernetes the node is down; podguard adds it only with a
/// proof. Pure.
///
/// Two proofs count: the ladder proved the node itself safe in its current boot (power confirmed
/// off, the provider succeeded, a human approved), or — when `afterStorageFence` allows it — every
/// volume the attach/detach controller holds attached to the node (`status.volumesAttached`, what it
/// would force-detach) was unpublished from the node by a podguard fence still in force, so the
/// force-detach frees nothing the node could still write to.
public enum OutOfServiceGate {
    public enum Verdict: Sendable, Hashable {
        case apply(because: String)
        case withhold(String)
    }

    /// A volume unpublished from the node by a fence, as the attach/detach controller names it.
    public static func attachedName(driver: String, volumeHandle: String) -> String {
        "kubernetes.io/csi/\(driver)^\(volumeHandle)"
    }

    /// Whatever the proof, the taint goes on only with a podguard taint: node-cleanup, which
    /// removes it when the node is back, acts only on a node carrying one (a generic driver
    /// without `families.genericDrivers` has none), and an out-of-service taint nobody removes
    /// keeps a healthy node out of service for good.
    ///
    /// - Parameters:
    ///   - podguardTainted: whether the same taint step puts a podguard taint on the node.
    ///   - proof: the ladder step that proved the node safe in its current boot, if one did.
    ///   - afterStorageFence: whether the storage fence alone may earn the taint.
    ///   - attached: the node's `status.volumesAttached` names (nil: the status has no list).
    ///   - fenced: `attachedName`s of the volumes podguard's fences unpublished from this node and
    ///     that are still fenced (remediations not aborted, node not cleaned).
    public static func verdict(podguardTainted: Bool = true, proof: Podguard_V1_LadderStep?, afterStorageFence: Bool,
                               attached: [String]?, fenced: Set<String>) -> Verdict {
        guard podguardTainted else {
            return .withhold("no podguard taint goes on the node, so node-cleanup would never take the out-of-service taint off")
        }
        if let proof, proof != .storage, proof != .unspecified {
            return .apply(because: "the node was proven safe by the ladder's \(proof.name) step")
        }
        guard afterStorageFence else { return .withhold("no proof of the node beyond the storage fence") }
        guard let attached, !attached.isEmpty else {
            // An empty list proves nothing: the controller may not have rebuilt what it knows yet.
            return .withhold("the node reports no attached volume")
        }
        let unfenced = attached.filter { !fenced.contains($0) }.sorted()
        guard unfenced.isEmpty else {
            return .withhold("\(unfenced.count) attached volume(s) not fenced by podguard, e.g. \(unfenced[0])")
        }
        return .apply(because: "every volume attached to the node (\(attached.count)) was unpublished from it by a podguard fence")
    }

    /// The volumes a record's fence unpublished from its node and still holds fenced: none for a
    /// dry run, an aborted remediation, one before its fence step, or one whose node is cleaned.
    public static func fencedVolumes(_ record: Podguard_V1_FenceRecord) -> [String] {
        guard !record.dryRun, !record.nodeCleanup.cleaned else { return [] }
        switch record.phase {
        case .fenced, .tainted, .attachmentsDeleted, .eventRecorded, .podDeleted:
            return record.volumes.filter(\.fenced).map { attachedName(driver: $0.volume.driver, volumeHandle: $0.volume.volumeHandle) }
        case .unspecified, .requested, .validated, .aborted, .UNRECOGNIZED:
            return []
        }
    }
}
