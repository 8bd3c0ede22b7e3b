import ArrayFamily

/// Dell PowerStore, driver `csi-powerstore.dellemc.com` (dell/csi-powerstore).
///
/// Handles: `<volumeUUID>/<globalID>/<scsi|nfs>`, metro
/// `<uuid>/<globalID>/scsi:<remoteUUID>/<remoteGlobalID>`, legacy `<uuid>` (default array) and
/// `<uuid>/<arrayIP>/<protocol>`. Node ids: `csi-node-<machine-id>-<ip>`; the driver queries the
/// last IP in the id.
public struct PowerStoreFamily: ArrayFamily {
    /// `X_CSI_POWERSTORE_NODE_NAME_PREFIX`.
    public var nodeNamePrefix: String

    public init(nodeNamePrefix: String = "csi-node") {
        self.nodeNamePrefix = nodeNamePrefix
    }

    public var id: ArrayFamilyID { .powerstore }
    public var csiDriverName: String { "csi-powerstore.dellemc.com" }
    public var podmonLabelValue: String { "csi-powerstore" }
    public var taintStem: String { "powerstore" }
    public var hasPodmonExtension: Bool { true }
    public var protocols: Set<StorageProtocol> { [.fc, .iscsi, .nvmeTCP, .nfs] }
    // The node array-status query has 10 s, then per-volume metrics another 10 s.
    public var deadlines: FamilyDeadlines {
        FamilyDeadlines(validate: .seconds(22), coldValidate: .seconds(22), controller: .seconds(60),
                        node: .seconds(60), identity: .seconds(10))
    }
    public var caveats: [FamilyCaveat] { [.lastCheckedArrayWins, .nfsConnectivityIsManagementReachability] }
    public var validateBehaviour: ValidateBehaviour {
        ValidateBehaviour(arraySelection: .volumeArraysIncludingRemoteElseAll, lastCheckedArrayWins: true,
                          honoursArrayIDField: true, rejectsVolumesOfSeveralArrays: false,
                          nodeIDRequiredMessage: "the NodeID is a required field")
    }
    public var cleanupLayout: NodeCleanupLayout {
        NodeCleanupLayout(privateMount: .podMountUnderPrivateDir,
                          legacyStaging: .kubeletPVGlobalMount(underPrivateDir: true),
                          staging: .kubeletDriverSHA, supportsBlock: true, blockPathsUnderPrivateDir: true)
    }

    public func parseVolumeHandle(_ handle: String) throws(FamilyParseError) -> VolumeHandle {
        guard !handle.isEmpty else { throw .emptyVolumeHandle }
        let tokens = handle.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        switch tokens.count {
        case 1:
            return VolumeHandle(raw: handle, arrayID: nil, volumeID: handle, storageProtocol: .unknown)
        case 3, 4:
            let protocolPart = tokens[2].split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            let proto: StorageProtocol = switch protocolPart[0] {
            case "scsi": .block
            case "nfs": .nfs
            default: .unknown
            }
            guard proto != .unknown, !tokens[0].isEmpty, !tokens[1].isEmpty else {
                throw .malformedVolumeHandle(handle, reason: "expected <uuid>/<globalID>/<scsi|nfs>")
            }
            var volume = VolumeHandle(raw: handle, arrayID: tokens[1], volumeID: tokens[0], storageProtocol: proto)
            if tokens.count == 4 {
                guard protocolPart.count == 2, !protocolPart[1].isEmpty, !tokens[3].isEmpty else {
                    throw .malformedVolumeHandle(handle, reason: "a metro handle ends scsi:<remoteUUID>/<remoteGlobalID>")
                }
                volume.remoteVolumeID = String(protocolPart[1])
                volume.remoteArrayID = tokens[3]
            }
            return volume
        default:
            throw .malformedVolumeHandle(handle, reason: "expected <uuid>/<globalID>/<scsi|nfs>[:<remoteUUID>/<remoteGlobalID>]")
        }
    }

    public func parseNodeID(_ nodeID: String) throws(FamilyParseError) -> CSINodeID {
        guard !nodeID.isEmpty else { throw .emptyNodeID }
        // The driver takes the last IP found in the id (GetIPListFromString).
        let tokens = nodeID.split(separator: "-")
        guard let ip = tokens.last(where: { IDSyntax.isIPv4($0) }) else {
            throw .malformedNodeID(nodeID, reason: "no IP address in \(nodeNamePrefix)-<machine-id>-<ip>")
        }
        var host: String? = nil
        let prefix = nodeNamePrefix + "-"
        if nodeID.hasPrefix(prefix), nodeID.hasSuffix("-" + ip) {
            host = String(nodeID.dropFirst(prefix.count).dropLast(ip.count + 1))
        }
        return CSINodeID(raw: nodeID, kind: .prefixedMachineID, hostName: host, ipAddress: String(ip))
    }

    public func makeVolumeHandle(_ spec: VolumeSpec) -> String {
        let proto = spec.storageProtocol == .nfs ? "nfs" : "scsi"
        let uuid = Self.uuid(spec.number)
        if let remote = spec.remoteArrayID {
            return "\(uuid)/\(spec.arrayID)/\(proto):\(Self.uuid(spec.number + 0x10000))/\(remote)"
        }
        return "\(uuid)/\(spec.arrayID)/\(proto)"
    }

    public func makeNodeID(_ host: HostIdentity) -> String {
        String("\(nodeNamePrefix)-\(host.machineID)-\(host.ipAddress)".prefix(64))
    }


    /// A deterministic UUID-shaped id (`39bb1b5f-5624-490d-9ece-00000000002a`).
    static func uuid(_ number: Int) -> String {
        let tail = String(number, radix: 16)
        return "39bb1b5f-5624-490d-9ece-" + String(repeating: "0", count: max(0, 12 - tail.count)) + tail
    }
}
