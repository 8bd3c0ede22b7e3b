import ArrayFamily

/// Dell PowerScale (Isilon), driver `csi-isilon.dellemc.com` (dell/csi-powerscale). NFS only.
///
/// Handles: `<volName>=_=_=<exportID>=_=_=<accessZone>=_=_=<clusterName>`, legacy without the
/// cluster (default cluster). Node ids: `<node>=#=#=<fqdn>=#=#=<ip>`.
public struct PowerScaleFamily: ArrayFamily {
    public static let volumeSeparator = "=_=_="
    public static let nodeSeparator = "=#=#="

    public init() {}

    public var id: ArrayFamilyID { .powerscale }
    public var csiDriverName: String { "csi-isilon.dellemc.com" }
    public var podmonLabelValue: String { "csi-isilon" }
    public var taintStem: String { "isilon" }
    public var hasPodmonExtension: Bool { true }
    public var protocols: Set<StorageProtocol> { [.nfs] }
    // 5 s node HTTP query per cluster plus one statistics call.
    public var deadlines: FamilyDeadlines { .podmonLike }
    public var caveats: [FamilyCaveat] {
        [.lastCheckedArrayWins, .arrayIDFieldBreaksCheck, .ioIsPerNodeNotPerVolume,
         .nfsConnectivityIsManagementReachability]
    }
    public var validateBehaviour: ValidateBehaviour {
        ValidateBehaviour(arraySelection: .volumeArraysElseDefault, lastCheckedArrayWins: true,
                          honoursArrayIDField: false, rejectsVolumesOfSeveralArrays: false,
                          nodeIDRequiredMessage: "the NodeID is a required field")
    }
    public var cleanupLayout: NodeCleanupLayout {
        NodeCleanupLayout(privateMount: .podMountUnderPrivateDir, legacyStaging: nil, staging: nil,
                          supportsBlock: false, blockPathsUnderPrivateDir: false)
    }

    public func parseVolumeHandle(_ handle: String) throws(FamilyParseError) -> VolumeHandle {
        guard !handle.isEmpty else { throw .emptyVolumeHandle }
        let tokens = handle.split(separator: Self.volumeSeparator, omittingEmptySubsequences: false).map(String.init)
        guard tokens.count == 3 || tokens.count == 4, tokens.allSatisfy({ !$0.isEmpty }) else {
            throw .malformedVolumeHandle(handle, reason: "expected <name>=_=_=<exportID>=_=_=<zone>[=_=_=<cluster>]")
        }
        return VolumeHandle(raw: handle, arrayID: tokens.count == 4 ? tokens[3] : nil, volumeID: tokens[0],
                            storageProtocol: .nfs)
    }

    public func parseNodeID(_ nodeID: String) throws(FamilyParseError) -> CSINodeID {
        guard !nodeID.isEmpty else { throw .emptyNodeID }
        let parts = nodeID.split(separator: Self.nodeSeparator, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }) else {
            throw .malformedNodeID(nodeID, reason: "expected <node>=#=#=<fqdn>=#=#=<ip>")
        }
        return CSINodeID(raw: nodeID, kind: .nameFQDNAddress, hostName: parts[0], fqdn: parts[1], ipAddress: parts[2])
    }

    public func makeVolumeHandle(_ spec: VolumeSpec) -> String {
        [spec.name, String(spec.number), "System", spec.arrayID].joined(separator: Self.volumeSeparator)
    }

    public func makeNodeID(_ host: HostIdentity) -> String {
        [host.nodeName, host.fqdn, host.ipAddress].joined(separator: Self.nodeSeparator)
    }
}
