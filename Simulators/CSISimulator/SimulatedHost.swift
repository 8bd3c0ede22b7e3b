public import ArrayFamily

/// A host of the simulated cluster.
public struct SimulatedHost: Sendable, Hashable {
    /// Its identity facts; `nodeName` is how tests and the control API name it.
    public var identity: HostIdentity
    /// Its CSI node id in the family's format.
    public var nodeID: String
    /// The arrays that know the host (a host unknown to PowerFlex is "no corresponding SDC").
    public var arrays: Set<String>

    public var name: String { identity.nodeName }

    /// A host with deterministic facts derived from `index`.
    /// `name` and `ipAddress` default to `node<index>` and `10.0.0.<10+index>`; a cluster of
    /// simulated Kubernetes nodes passes the Node's name and InternalIP.
    public static func make(index: Int, family: any ArrayFamily, arrays: [String],
                            name: String? = nil, ipAddress: String? = nil) -> SimulatedHost {
        let name = name ?? "node\(index)"
        let hex = IDSyntax.hex(index, width: 12)
        let identity = HostIdentity(
            nodeName: name, fqdn: "\(name).cluster.example.com", ipAddress: ipAddress ?? "10.0.0.\(10 + index)",
            kubernetesUID: "8f2b6a52-0c3e-4f7d-9a51-\(hex)", machineID: "1a47a1b91c444a8a9019\(hex)",
            sdcGUID: "9E56672F-2F4B-4A42-BFF4-\(hex.uppercased())")
        return SimulatedHost(identity: identity, nodeID: family.makeNodeID(identity), arrays: Set(arrays))
    }
}

/// A volume of the simulated array.
public struct SimulatedVolume: Sendable, Hashable {
    public var handle: String
    public var name: String
    /// Local array first, then the metro remote.
    public var arrays: [String]
    public var storageProtocol: StorageProtocol
    /// ReadWriteMany: several hosts may map it (the invariant does not apply).
    public var multiWriter: Bool
}
