import ArrayFamily

/// Dell PowerMax, driver `csi-powermax.dellemc.com` (dell/csi-powermax).
///
/// Handles, parsed from the right: block `csi-<prefix>-<name>[-<ns>]-<symID>-<devID>`, metro
/// `…-<symID>:<remoteSymID>-<devID>:<remoteDevID>`, NFS `…-<symID>-<fsID>` (a five-part UUID).
/// Array ids are 12-digit Symmetrix ids. Node ids: the short host name.
public struct PowerMaxFamily: ArrayFamily {
    /// `ClusterPrefix` of the driver (the simulator's handles use it).
    public var clusterPrefix: String

    public init(clusterPrefix: String = "PG") {
        self.clusterPrefix = clusterPrefix
    }

    public var id: ArrayFamilyID { .powermax }
    public var csiDriverName: String { "csi-powermax.dellemc.com" }
    public var podmonLabelValue: String { "csi-powermax" }
    public var taintStem: String { "powermax" }
    public var hasPodmonExtension: Bool { true }
    public var protocols: Set<StorageProtocol> { [.fc, .iscsi, .nvmeTCP, .nfs] }
    // 5 s node HTTP query per array, then Unisphere performance calls through the reverse proxy.
    public var deadlines: FamilyDeadlines {
        FamilyDeadlines(validate: .seconds(20), coldValidate: .seconds(20), controller: .seconds(90),
                        node: .seconds(60), identity: .seconds(10))
    }
    public var caveats: [FamilyCaveat] {
        [.lastCheckedArrayWins, .mixedArrayRequestFails, .nodeIPBySubstringMatch, .metroChecksLocalIOOnly]
    }
    public var validateBehaviour: ValidateBehaviour {
        ValidateBehaviour(arraySelection: .volumeArraysElseAllManaged, lastCheckedArrayWins: true,
                          honoursArrayIDField: true, rejectsVolumesOfSeveralArrays: true,
                          nodeIDRequiredMessage: "the NodeID is a required field")
    }
    public var cleanupLayout: NodeCleanupLayout {
        NodeCleanupLayout(privateMount: .podMountUnderPrivateDir,
                          legacyStaging: .kubeletPVGlobalMount(underPrivateDir: true),
                          staging: .kubeletDriverSHA, supportsBlock: true, blockPathsUnderPrivateDir: true)
    }

    public func parseVolumeHandle(_ handle: String) throws(FamilyParseError) -> VolumeHandle {
        guard !handle.isEmpty else { throw .emptyVolumeHandle }
        let tokens = handle.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard tokens.count >= 3 else {
            throw .malformedVolumeHandle(handle, reason: "expected csi-<prefix>-<name>-<symID>-<devID>")
        }
        let last = tokens[tokens.count - 1]
        let secondLast = tokens[tokens.count - 2]
        let sym: String, device: String, proto: StorageProtocol
        // The driver's own NFS test: a long last token after a short one is the tail of a file
        // system UUID (five dash-separated parts).
        if last.count > 5 && secondLast.count < 12 {
            guard tokens.count >= 7 else { throw .malformedVolumeHandle(handle, reason: "short NFS handle") }
            device = tokens[(tokens.count - 5)...].joined(separator: "-")
            sym = tokens[tokens.count - 6]
            proto = .nfs
        } else {
            device = last
            sym = secondLast
            proto = .block
        }
        let syms = sym.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let devices = device.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard syms.allSatisfy(Self.isSymmetrixID), syms.count <= 2, devices.count == syms.count,
              devices.allSatisfy({ !$0.isEmpty }) else {
            throw .malformedVolumeHandle(handle, reason: "\"\(sym)\" is not a 12-digit Symmetrix id (or sym:remoteSym with dev:remoteDev)")
        }
        return VolumeHandle(raw: handle, arrayID: syms[0], volumeID: devices[0],
                            remoteArrayID: syms.count == 2 ? syms[1] : nil,
                            remoteVolumeID: devices.count == 2 ? devices[1] : nil, storageProtocol: proto)
    }

    public func parseNodeID(_ nodeID: String) throws(FamilyParseError) -> CSINodeID {
        guard !nodeID.isEmpty else { throw .emptyNodeID }
        guard !nodeID.contains(where: { $0 == " " || $0 == "," }) else {
            throw .malformedNodeID(nodeID, reason: "expected a short host name")
        }
        return CSINodeID(raw: nodeID, kind: .shortHostName, hostName: nodeID)
    }

    public func makeVolumeHandle(_ spec: VolumeSpec) -> String {
        let base = "csi-\(clusterPrefix)-\(spec.name)"
        if spec.storageProtocol == .nfs {
            let n = IDSyntax.hex(spec.number, width: 12)
            return "\(base)-\(spec.arrayID)-649112ce-742b-b93a-abcd-\(n)"
        }
        let device = IDSyntax.hex(0x11000 + spec.number, width: 5).uppercased()
        if let remote = spec.remoteArrayID {
            let remoteDevice = IDSyntax.hex(0x22000 + spec.number, width: 5).uppercased()
            return "\(base)-\(spec.arrayID):\(remote)-\(device):\(remoteDevice)"
        }
        return "\(base)-\(spec.arrayID)-\(device)"
    }

    public func makeNodeID(_ host: HostIdentity) -> String {
        String(host.nodeName.prefix { $0 != "." })
    }

    static func isSymmetrixID(_ text: String) -> Bool {
        text.count == 12 && text.allSatisfy(\.isASCII) && text.allSatisfy(\.isNumber)
    }
}
