/// A breach of safety invariant 4: no volume mapped to, or written by, two hosts at once.
public enum SimulatorViolation: Sendable, Hashable, CustomStringConvertible {
    /// The volume was mapped to a host while mapped to others.
    case mappedToSeveralHosts(volume: String, hosts: [String])
    /// A host wrote to the volume while another host was mapped to it too.
    case writtenWhileMappedToOthers(volume: String, writer: String, others: [String])
    /// A host wrote to a volume that is not mapped to it (a zombie writer after fencing).
    case writeWithoutMapping(volume: String, host: String)

    public var description: String {
        switch self {
        case .mappedToSeveralHosts(let volume, let hosts):
            "volume \(volume) mapped to several hosts at once: \(hosts.joined(separator: ", "))"
        case .writtenWhileMappedToOthers(let volume, let writer, let others):
            "volume \(volume) written by \(writer) while also mapped to \(others.joined(separator: ", "))"
        case .writeWithoutMapping(let volume, let host):
            "volume \(volume) written by \(host), which has no mapping to it"
        }
    }
}

/// One event of the simulated array's log (every mapping change and every write).
public enum SimulatorEvent: Sendable, Hashable {
    case mapped(volume: String, host: String)
    case unmapped(volume: String, host: String)
    case write(volume: String, host: String, accepted: Bool)
}
