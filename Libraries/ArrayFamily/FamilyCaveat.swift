/// Known limits of a family's connectivity answer (from the drivers' source; see docs/families/).
public enum FamilyCaveat: String, Sendable, Hashable, CaseIterable {
    /// Resiliency is not supported for NFS volumes of this family.
    case nfsNotSupported
    /// For NFS the node-side probe only checks that the array's management API answers.
    case nfsConnectivityIsManagementReachability
    /// I/O is reported per node (any NFS traffic from the node's IP), not per volume.
    case ioIsPerNodeNotPerVolume
    /// The driver finds the node's IP by substring match of the node id in node names.
    case nodeIPBySubstringMatch
    /// Only the local copy of a metro volume is checked for I/O.
    case metroChecksLocalIOOnly
    /// A host with only NFS (no FC/iSCSI initiators) is always reported not connected.
    case nfsOnlyHostReportsDisconnected
    /// The first check can take longer than podmon's 10 s deadline.
    case coldCheckExceedsPodmonDeadline
    /// With several arrays the driver answers for whichever array it checked last.
    case lastCheckedArrayWins
    /// Setting `array_id` makes the driver skip the check (answers not connected, no I/O).
    case arrayIDFieldBreaksCheck
    /// A request with volumes of two arrays fails.
    case mixedArrayRequestFails
    /// Connectivity is checked on one system only (array_id, else the first volume's, else default).
    case singleSystemConnectivity
    /// No podmon extension: connectivity and I/O are unknown.
    case noConnectivityExtension

    public var description: String {
        switch self {
        case .nfsNotSupported: "resiliency is not supported for NFS volumes"
        case .nfsConnectivityIsManagementReachability: "NFS connectivity only means the array's management API answers"
        case .ioIsPerNodeNotPerVolume: "I/O is any NFS client traffic from the node's IP, not per volume"
        case .nodeIPBySubstringMatch: "the node IP is found by substring match on node names (node1 may match node10)"
        case .metroChecksLocalIOOnly: "only the local copy of a metro volume is checked for I/O"
        case .nfsOnlyHostReportsDisconnected: "a host without FC/iSCSI initiators (NFS only) reports not connected"
        case .coldCheckExceedsPodmonDeadline: "the first check may take longer than 10 s"
        case .lastCheckedArrayWins: "with several arrays the driver's answer is the last array it checked"
        case .arrayIDFieldBreaksCheck: "a request with array_id set is answered not connected without a check"
        case .mixedArrayRequestFails: "a request with volumes of two arrays fails"
        case .singleSystemConnectivity: "connectivity is checked on one system only"
        case .noConnectivityExtension: "no podmon extension: connectivity and I/O are unknown"
        }
    }
}
