import ArrayFamily

/// Any CSI driver without Dell's podmon extension: podguard can still fence it
/// (ControllerUnpublishVolume) and clean its node mounts, but cannot ask the array whether a node
/// is connected or doing I/O — connectivity is always unknown, so only node failure (not array
/// connectivity loss) triggers a failover.
public struct GenericFamily: ArrayFamily {
    public var csiDriverName: String
    /// Label value and taint stem; the driver name unless configured.
    public var podmonLabelValue: String
    public var taintStem: String

    public init(driverName: String, labelValue: String? = nil, taintStem: String? = nil) {
        self.csiDriverName = driverName
        self.podmonLabelValue = labelValue ?? driverName
        self.taintStem = taintStem ?? driverName
    }

    public var id: ArrayFamilyID { .generic }
    public var hasPodmonExtension: Bool { false }
    public var protocols: Set<StorageProtocol> { [.unknown] }
    public var deadlines: FamilyDeadlines { .podmonLike }
    public var caveats: [FamilyCaveat] { [.noConnectivityExtension] }
    public var validateBehaviour: ValidateBehaviour {
        ValidateBehaviour(arraySelection: .none, lastCheckedArrayWins: false, honoursArrayIDField: false,
                          rejectsVolumesOfSeveralArrays: false, nodeIDRequiredMessage: "")
    }
    // The kubelet's standard layout (the same paths PowerStore uses without a private dir).
    public var cleanupLayout: NodeCleanupLayout {
        NodeCleanupLayout(privateMount: .podMount, legacyStaging: .kubeletPVGlobalMount(underPrivateDir: false),
                          staging: .kubeletDriverSHA, supportsBlock: true, blockPathsUnderPrivateDir: false)
    }

    /// Opaque: the whole handle is the volume id; the array is unknown.
    public func parseVolumeHandle(_ handle: String) throws(FamilyParseError) -> VolumeHandle {
        guard !handle.isEmpty else { throw .emptyVolumeHandle }
        return VolumeHandle(raw: handle, arrayID: nil, volumeID: handle, storageProtocol: .unknown)
    }

    public func parseNodeID(_ nodeID: String) throws(FamilyParseError) -> CSINodeID {
        guard !nodeID.isEmpty else { throw .emptyNodeID }
        return CSINodeID(raw: nodeID, kind: .opaque)
    }

    public func makeVolumeHandle(_ spec: VolumeSpec) -> String { "\(spec.arrayID)-\(spec.name)-\(spec.number)" }

    public func makeNodeID(_ host: HostIdentity) -> String { host.nodeName }
}
