/// What podguard knows about one array family: the CSI driver's names and ID formats, where it
/// mounts, how long its calls may take and how its podmon extension answers.
///
/// Conformers are small value types holding facts, one module per family; everything derived from
/// those facts (taint keys, node-cleanup paths, per-array connectivity queries, combining the
/// answers) is written once, in extensions of this protocol. Nothing here does I/O, so the adapters
/// and the CSI driver simulator share it.
public protocol ArrayFamily: Sendable {
    /// Which family this is.
    var id: ArrayFamilyID { get }
    /// The CSI driver name (`GetPluginInfo`, PV `spec.csi.driver`, key of the node-id annotation).
    var csiDriverName: String { get }
    /// The value of the pod label `podmon.dellemc.com/driver` that protects a pod of this family.
    var podmonLabelValue: String { get }
    /// podmon's `GetDriverName()`: the stem of the taint keys (`vxflexos`, `isilon`, ...).
    var taintStem: String { get }
    /// Whether the driver serves `podmon.v1.Podmon/ValidateVolumeHostConnectivity`.
    var hasPodmonExtension: Bool { get }
    /// Storage protocols the driver supports.
    var protocols: Set<StorageProtocol> { get }
    /// Deadlines for the calls an adapter makes to this driver.
    var deadlines: FamilyDeadlines { get }
    /// What to keep in mind when trusting this family's answers.
    var caveats: [FamilyCaveat] { get }
    /// How the driver's `ValidateVolumeHostConnectivity` selects and combines arrays.
    var validateBehaviour: ValidateBehaviour { get }
    /// Where the kubelet and the driver mount this family's volumes on a node.
    var cleanupLayout: NodeCleanupLayout { get }

    /// The array(s) and array-side id of a volume handle (PV `spec.csi.volumeHandle`).
    func parseVolumeHandle(_ handle: String) throws(FamilyParseError) -> VolumeHandle
    /// What a CSI node id (`NodeGetInfo`) says about the node.
    func parseNodeID(_ nodeID: String) throws(FamilyParseError) -> CSINodeID
    /// A volume handle in the driver's format (the simulator creates volumes with it).
    func makeVolumeHandle(_ spec: VolumeSpec) -> String
    /// A node id in the driver's format for a host (the simulator's `NodeGetInfo`).
    func makeNodeID(_ host: HostIdentity) -> String
    /// Whether a NodeUnpublish/NodeUnstage error may be ignored during node cleanup (podmon's
    /// per-driver exclusions).
    func isExcludedCleanupError(_ message: String) -> Bool
    /// Whether an error of `ValidateVolumeHostConnectivity` actually means "not connected".
    func errorMeansDisconnected(_ message: String) -> Bool
}

extension ArrayFamily {
    public func isExcludedCleanupError(_ message: String) -> Bool { false }
    public func errorMeansDisconnected(_ message: String) -> Bool { false }
}
