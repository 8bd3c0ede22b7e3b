/// Where a family's volumes are mounted on a node: the facts of podmon's per-driver table
/// (`internal/monitor/driver.go`), as data. `ArrayFamily.cleanupPlan(for:)` turns it into paths.
public struct NodeCleanupLayout: Sendable, Hashable {
    /// The driver's private mount of a filesystem volume.
    public enum PrivateMount: Sendable, Hashable {
        /// `<private dir or defaultDirectory>/<volume handle>` (PowerFlex's "disks" directory).
        case driverDirectory(defaultDirectory: String)
        /// The pod's kubelet mount path, under the private dir when one is configured.
        case podMountUnderPrivateDir
        /// The pod's kubelet mount path under `/var/lib/kubelet`, whatever the private dir.
        case podMount
    }

    /// The pre-1.25 staging path of a filesystem volume.
    public enum LegacyStaging: Sendable, Hashable {
        /// The same path as the private mount (PowerFlex).
        case samePathAsPrivateMount
        /// `<kubelet or private dir>/plugins/kubernetes.io/csi/pv/<pv>/globalmount`.
        case kubeletPVGlobalMount(underPrivateDir: Bool)
    }

    /// The Kubernetes ≥ 1.25 staging path of a filesystem volume.
    public enum Staging: Sendable, Hashable {
        /// `<private dir or defaultDirectory>/<sha256(handle)>` (PowerFlex).
        case driverDirectorySHA(defaultDirectory: String)
        /// `/var/lib/kubelet/plugins/kubernetes.io/csi/<driver>/<sha256(handle)>/globalmount`.
        case kubeletDriverSHA
    }

    public var privateMount: PrivateMount
    /// nil: the driver does not stage (PowerScale).
    public var legacyStaging: LegacyStaging?
    public var staging: Staging?
    /// Whether the driver supports raw block volumes (paths under `volumeDevices/`).
    public var supportsBlock: Bool
    /// Whether the block paths move under the private dir when one is configured.
    public var blockPathsUnderPrivateDir: Bool

    public init(privateMount: PrivateMount, legacyStaging: LegacyStaging?, staging: Staging?,
                supportsBlock: Bool, blockPathsUnderPrivateDir: Bool) {
        self.privateMount = privateMount
        self.legacyStaging = legacyStaging
        self.staging = staging
        self.supportsBlock = supportsBlock
        self.blockPathsUnderPrivateDir = blockPathsUnderPrivateDir
    }
}

/// A volume of a pod on a node, as node cleanup sees it.
public struct VolumeOnNode: Sendable, Hashable {
    public var podUID: String
    public var pvName: String
    public var volumeHandle: String
    /// Raw block (`volumeDevices`) rather than a filesystem mount.
    public var isBlock: Bool

    public init(podUID: String, pvName: String, volumeHandle: String, isBlock: Bool = false) {
        self.podUID = podUID
        self.pvName = pvName
        self.volumeHandle = volumeHandle
        self.isBlock = isBlock
    }
}

/// The calls and paths to clean a volume off a node, in podmon's order: NodeUnpublish at
/// `targetPath`, NodeUnstage at each of `stagingPaths`, then unmount and remove `privatePath`.
public struct NodeCleanupPlan: Sendable, Hashable {
    /// Where NodePublishVolume put the volume for the pod (NodeUnpublishVolume's target path).
    public var targetPath: String
    /// NodeUnstageVolume staging paths to try, pre-1.25 first (empty: the driver does not stage).
    public var stagingPaths: [String]
    /// The driver's private mount / block device to unmount and remove last (nil: none).
    public var privatePath: String?

    public init(targetPath: String, stagingPaths: [String], privatePath: String?) {
        self.targetPath = targetPath
        self.stagingPaths = stagingPaths
        self.privatePath = privatePath
    }
}
