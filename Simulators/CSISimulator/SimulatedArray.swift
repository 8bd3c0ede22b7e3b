public import ArrayFamily
import Synchronization

/// One simulated array backend (the family's arrays, hosts, volumes, mappings and the invariant
/// log) that several simulated CSI plugins share: a cluster's controller plugin and every node's
/// plugin act on the same state, so fencing and the "no two hosts" invariant are cluster-wide.
public final class SimulatedArray: Sendable {
    public let family: any ArrayFamily
    let state: Mutex<SimulatedArrayState>

    /// - Parameter hosts: hosts `node1`... to create now (a cluster adds its own with ``addHost(name:ipAddress:)``).
    public init(family: any ArrayFamily, arrays: [String], hosts: Int = 0) {
        self.family = family
        self.state = Mutex(SimulatedArrayState(family: family, arrays: arrays, hostCount: hosts))
    }

    /// Makes a host known to every array (idempotent); returns it with its CSI node id.
    @discardableResult
    public func addHost(name: String, ipAddress: String) -> SimulatedHost {
        state.withLock { $0.addHost(name: name, ipAddress: ipAddress) }
    }

    /// The CSI node id of a host.
    public func nodeID(of host: String) -> String? { state.withLock { $0.hosts[host]?.nodeID } }

    public var arrays: [String] { state.withLock { $0.arrays } }

    /// Every path of `host` to every array goes down (or comes back): an interface failure.
    public func setPaths(of host: String, down: Bool) {
        state.withLock { state in
            for array in state.arrays { state.apply(.path(host: host, array: array, down: down)) }
        }
    }

    /// A host lost every mount (a reboot): the array keeps its mappings, the node forgets its mounts.
    public func dropMounts(of host: String) {
        state.withLock { $0.mounts[host] = nil }
    }

    /// A workload write as a real array sees it: refused (and counted, but no breach) from a host
    /// that is not mapped or has no path — fenced zombies end here; accepted otherwise, a breach
    /// when the volume is mapped to another host too.
    @discardableResult
    public func attemptWrite(volume: String, from host: String) -> Bool {
        state.withLock { $0.attemptWrite(volume: volume, from: host) }
    }

    /// Refused workload writes per host.
    public var refusedWrites: [String: Int] { state.withLock { $0.refusedWrites } }

    public var violations: [SimulatorViolation] { state.withLock { $0.violations } }
    public var events: [SimulatorEvent] { state.withLock { $0.events } }
    public func mappings(of volume: String) -> Set<String> { state.withLock { $0.mappings[volume, default: []] } }
    public func mounts(of volume: String, on node: String) -> Set<String> {
        state.withLock { $0.mounts[node]?[volume] ?? [] }
    }
    public var volumes: [SimulatedVolume] { state.withLock { $0.volumes.values.sorted { $0.handle < $1.handle } } }

    @discardableResult
    public func createVolume(name: String, array: String? = nil, storageProtocol: StorageProtocol = .block,
                             remoteArray: String? = nil, multiWriter: Bool = false) -> SimulatedVolume {
        let proto: StorageProtocol = family.protocols == [.nfs] ? .nfs : storageProtocol
        return state.withLock {
            $0.createVolume(name: name, array: array, storageProtocol: proto, remoteArray: remoteArray,
                            multiWriter: multiWriter)
        }
    }

    public func inject(_ fault: SimulatorFault) { state.withLock { $0.apply(fault) } }
}
