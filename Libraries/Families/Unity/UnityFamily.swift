import ArrayFamily

/// Dell Unity XT, driver `csi-unity.dellemc.com` (dell/csi-unity).
///
/// Handles, parsed from the right (names contain dashes): `<name>-<FC|iSCSI|NFS>-<arrayID>-<sv_N|fs_N>`;
/// a single token is a legacy handle of the default array. Node ids: `<short>,<long>` host names.
public struct UnityFamily: ArrayFamily {
    public init() {}

    public var id: ArrayFamilyID { .unity }
    public var csiDriverName: String { "csi-unity.dellemc.com" }
    public var podmonLabelValue: String { "csi-unity" }
    public var taintStem: String { "unity" }
    public var hasPodmonExtension: Bool { true }
    public var protocols: Set<StorageProtocol> { [.fc, .iscsi, .nfs] }
    // Metric collections take 5 s + 6 s to create and sample; the first NFS check of a driver
    // process takes 12 s or more (podmon's 10 s is too short), the metrics context allows 30 s.
    public var deadlines: FamilyDeadlines {
        FamilyDeadlines(validate: .seconds(15), coldValidate: .seconds(35), controller: .seconds(60),
                        node: .seconds(60), identity: .seconds(10))
    }
    public var caveats: [FamilyCaveat] {
        [.lastCheckedArrayWins, .nfsOnlyHostReportsDisconnected, .coldCheckExceedsPodmonDeadline]
    }
    public var validateBehaviour: ValidateBehaviour {
        ValidateBehaviour(arraySelection: .volumeArraysElseDefault, lastCheckedArrayWins: true,
                          honoursArrayIDField: true, rejectsVolumesOfSeveralArrays: false,
                          nodeIDRequiredMessage: "The NodeID is a required field")
    }
    public var cleanupLayout: NodeCleanupLayout {
        NodeCleanupLayout(privateMount: .podMount, legacyStaging: .kubeletPVGlobalMount(underPrivateDir: false),
                          staging: .kubeletDriverSHA, supportsBlock: true, blockPathsUnderPrivateDir: false)
    }

    public func parseVolumeHandle(_ handle: String) throws(FamilyParseError) -> VolumeHandle {
        guard !handle.isEmpty else { throw .emptyVolumeHandle }
        let tokens = handle.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        if tokens.count == 1 {
            return VolumeHandle(raw: handle, arrayID: nil, volumeID: handle, storageProtocol: .unknown)
        }
        guard tokens.count >= 4 else {
            throw .malformedVolumeHandle(handle, reason: "expected <name>-<protocol>-<arrayID>-<resourceID>")
        }
        let proto: StorageProtocol = switch tokens[tokens.count - 3].lowercased() {
        case "fc": .fc
        case "iscsi": .iscsi
        case "nfs": .nfs
        default: .unknown
        }
        let array = tokens[tokens.count - 2], resource = tokens[tokens.count - 1]
        guard proto != .unknown, !array.isEmpty, !resource.isEmpty else {
            throw .malformedVolumeHandle(handle, reason: "unexpected protocol '\(tokens[tokens.count - 3])'")
        }
        return VolumeHandle(raw: handle, arrayID: array, volumeID: resource, storageProtocol: proto)
    }

    public func parseNodeID(_ nodeID: String) throws(FamilyParseError) -> CSINodeID {
        guard !nodeID.isEmpty else { throw .emptyNodeID }
        let parts = nodeID.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty }) else {
            throw .malformedNodeID(nodeID, reason: "expected <short>,<long> host names")
        }
        return CSINodeID(raw: nodeID, kind: .shortAndLongHostName, hostName: parts[0], fqdn: parts[1])
    }

    public func makeVolumeHandle(_ spec: VolumeSpec) -> String {
        let (proto, resource) = switch spec.storageProtocol {
        case .nfs: ("NFS", "fs_\(spec.number)")
        case .fc: ("FC", "sv_\(spec.number)")
        default: ("iSCSI", "sv_\(spec.number)")
        }
        return "\(spec.name)-\(proto)-\(spec.arrayID.lowercased())-\(resource)"
    }

    public func makeNodeID(_ host: HostIdentity) -> String {
        let short = IDSyntax.isIPv4(host.fqdn) ? host.fqdn : String(host.fqdn.prefix { $0 != "." })
        return "\(short),\(host.fqdn)"
    }

    public func isExcludedCleanupError(_ message: String) -> Bool {
        message.contains("NFS Share for filesystem") && message.contains("not found")
    }
}
