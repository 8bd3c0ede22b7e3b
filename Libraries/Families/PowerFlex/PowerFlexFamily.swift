import ArrayFamily

/// Dell PowerFlex (ScaleIO), driver `csi-vxflexos.dellemc.com` (dell/csi-powerflex).
///
/// Handles: block `<systemID>-<volumeID>`, NFS `<systemID>/<fsID>`, legacy `<volumeID>` (default
/// system). Node ids: the SDC GUID; on NVMe/TCP hosts `<ip>-<sha256(node uid)>` cut to 31
/// characters; on NFS-only hosts the Kubernetes node UID.
public struct PowerFlexFamily: ArrayFamily {
    public init() {}

    public var id: ArrayFamilyID { .powerflex }
    public var csiDriverName: String { "csi-vxflexos.dellemc.com" }
    public var podmonLabelValue: String { "csi-vxflexos" }
    public var taintStem: String { "vxflexos" }
    public var hasPodmonExtension: Bool { true }
    public var protocols: Set<StorageProtocol> { [.sdc, .nvmeTCP, .nfs] }
    // The driver adds no timeouts of its own beyond the gateway client (and 5 s for NVMe's node
    // HTTP query): podmon's 10 s fits.
    public var deadlines: FamilyDeadlines { .podmonLike }
    public var caveats: [FamilyCaveat] { [.nfsNotSupported, .singleSystemConnectivity] }
    public var validateBehaviour: ValidateBehaviour {
        ValidateBehaviour(arraySelection: .singleSystem, lastCheckedArrayWins: false, honoursArrayIDField: true,
                          rejectsVolumesOfSeveralArrays: false,
                          nodeIDRequiredMessage: "The NodeID is a required field")
    }
    public var cleanupLayout: NodeCleanupLayout {
        let disks = "/var/lib/kubelet/plugins/vxflexos.emc.dell.com/disks"
        return NodeCleanupLayout(privateMount: .driverDirectory(defaultDirectory: disks),
                                 legacyStaging: .samePathAsPrivateMount,
                                 staging: .driverDirectorySHA(defaultDirectory: disks),
                                 supportsBlock: true, blockPathsUnderPrivateDir: false)
    }

    public func parseVolumeHandle(_ handle: String) throws(FamilyParseError) -> VolumeHandle {
        guard !handle.isEmpty else { throw .emptyVolumeHandle }
        if handle.contains("/") {
            // NFS: system = text before the slash when there are exactly two tokens.
            let tokens = handle.split(separator: "/", omittingEmptySubsequences: false)
            guard tokens.count == 2, !tokens[0].isEmpty, !tokens[1].isEmpty else {
                throw .malformedVolumeHandle(handle, reason: "an NFS handle is <systemID>/<fileSystemID>")
            }
            return VolumeHandle(raw: handle, arrayID: String(tokens[0]), volumeID: String(tokens[1]),
                                storageProtocol: .nfs)
        }
        let tokens = handle.split(separator: "-", omittingEmptySubsequences: false)
        // Like the driver: a system only when there are exactly two tokens, else the default system
        // and the last token as the volume id.
        if tokens.count == 2, !tokens[0].isEmpty, !tokens[1].isEmpty {
            return VolumeHandle(raw: handle, arrayID: String(tokens[0]), volumeID: String(tokens[1]),
                                storageProtocol: .block)
        }
        guard let last = tokens.last, !last.isEmpty else {
            throw .malformedVolumeHandle(handle, reason: "no volume id")
        }
        return VolumeHandle(raw: handle, arrayID: nil, volumeID: String(last), storageProtocol: .block)
    }

    public func parseNodeID(_ nodeID: String) throws(FamilyParseError) -> CSINodeID {
        guard !nodeID.isEmpty else { throw .emptyNodeID }
        if Self.isGUID(nodeID) {
            // An upper-case GUID is an SDC; a Kubernetes UID (NFS-only node) is lower-case.
            let kind: CSINodeID.Kind = nodeID == nodeID.uppercased() ? .sdcGUID : .kubernetesNodeUID
            return CSINodeID(raw: nodeID, kind: kind)
        }
        if let dash = nodeID.firstIndex(of: "-"), IDSyntax.isIPv4(nodeID[..<dash]) {
            return CSINodeID(raw: nodeID, kind: .nvmeHost, ipAddress: String(nodeID[..<dash]))
        }
        throw .malformedNodeID(nodeID, reason: "neither an SDC GUID, an NVMe host id <ip>-<hash> nor a node UID")
    }

    public func makeVolumeHandle(_ spec: VolumeSpec) -> String {
        if spec.storageProtocol == .nfs {
            return "\(spec.arrayID)/\(IDSyntax.hex(0x64c0_0000 + spec.number, width: 16))"
        }
        return "\(spec.arrayID)-\(IDSyntax.hex(0x456ca4fc_0000_0000 + spec.number, width: 16))"
    }

    public func makeNodeID(_ host: HostIdentity) -> String {
        if let guid = host.sdcGUID { return guid.uppercased() }
        return String("\(host.ipAddress)-\(SHA256.hex(host.kubernetesUID))".prefix(31))
    }

    public func errorMeansDisconnected(_ message: String) -> Bool {
        message.contains("there is no corresponding SDC")
    }

    static func isGUID(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        return parts.map(\.count) == [8, 4, 4, 4, 12] && parts.allSatisfy { $0.allSatisfy(\.isHexDigit) }
    }


}
