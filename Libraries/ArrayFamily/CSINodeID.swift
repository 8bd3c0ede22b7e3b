/// A parsed CSI node id (the value `NodeGetInfo` returns and the Node annotation
/// `csi.volume.kubernetes.io/nodeid` stores under the driver's name).
public struct CSINodeID: Sendable, Hashable {
    /// What the id is made of.
    public enum Kind: String, Sendable, Hashable {
        /// PowerFlex: the SDC GUID.
        case sdcGUID
        /// PowerFlex NVMe/TCP: `<ip>-<sha256(node uid)>` cut to 31 characters.
        case nvmeHost
        /// PowerFlex NFS-only node: the Kubernetes node UID.
        case kubernetesNodeUID
        /// PowerStore `csi-node-<machine-id>-<ip>`.
        case prefixedMachineID
        /// PowerScale `<node>=#=#=<fqdn>=#=#=<ip>`.
        case nameFQDNAddress
        /// PowerMax: the short host name.
        case shortHostName
        /// Unity `<short>,<long>` host names.
        case shortAndLongHostName
        /// A driver podguard knows nothing about.
        case opaque
    }

    public var raw: String
    public var kind: Kind
    /// A host name the id carries (short or Kubernetes node name).
    public var hostName: String?
    /// A fully qualified / long host name the id carries.
    public var fqdn: String?
    /// The node IP the driver derives from the id (where it queries the node's array-status API).
    public var ipAddress: String?

    public init(raw: String, kind: Kind, hostName: String? = nil, fqdn: String? = nil, ipAddress: String? = nil) {
        self.raw = raw
        self.kind = kind
        self.hostName = hostName
        self.fqdn = fqdn
        self.ipAddress = ipAddress
    }
}

/// The facts about a host from which each family builds its node id (the simulator's hosts).
public struct HostIdentity: Sendable, Hashable {
    /// The Kubernetes node name (a short host name).
    public var nodeName: String
    public var fqdn: String
    public var ipAddress: String
    /// The Kubernetes node UID.
    public var kubernetesUID: String
    /// `/etc/machine-id` (PowerStore).
    public var machineID: String
    /// The PowerFlex SDC GUID; nil for a PowerFlex NVMe/TCP host.
    public var sdcGUID: String?

    public init(nodeName: String, fqdn: String, ipAddress: String, kubernetesUID: String,
                machineID: String, sdcGUID: String? = nil) {
        self.nodeName = nodeName
        self.fqdn = fqdn
        self.ipAddress = ipAddress
        self.kubernetesUID = kubernetesUID
        self.machineID = machineID
        self.sdcGUID = sdcGUID
    }
}
