import ArrayFamily
import GRPCCore

/// Everything the simulated array(s) and driver know, as a value: hosts and their paths, volumes,
/// mappings, I/O, mounts per node, injected faults, and the log of mappings and writes. The
/// simulator mutates it under a mutex; every CSI handler is a function of it.
struct SimulatedArrayState: Sendable {
    let family: any ArrayFamily
    /// Configured arrays; the first is the driver's default.
    let arrays: [String]
    var hosts: [String: SimulatedHost] = [:]          // by node name
    var volumes: [String: SimulatedVolume] = [:]      // by handle
    var mappings: [String: Set<String>] = [:]         // handle -> node names
    var pathsDown: Set<HostArray> = []
    var ioActive: Set<String> = []
    /// node name -> handle -> mount paths (staging and target paths).
    var mounts: [String: [String: Set<String>]] = [:]
    var pendingFaults: [String: Int] = [:]
    var latency: [String: Duration] = [:]             // "" = every method
    var calls: [String: Int] = [:]
    var events: [SimulatorEvent] = []
    var violations: [SimulatorViolation] = []
    var nextVolumeNumber = VolumeNumberBlocks.allocate()
    /// A faithful driver refuses to publish a single-writer volume to a second node; switch off to
    /// let the invariant catch a misbehaving caller.
    var refuseSecondPublish = true

    struct HostArray: Hashable, Sendable {
        var host: String
        var array: String
    }

    /// Refused workload writes (zombies on fenced or disconnected hosts), by host.
    var refusedWrites: [String: Int] = [:]

    /// `hostCount` hosts `node1`...; 0 for none (a cluster adds its nodes with ``addHost(name:ipAddress:)``).
    init(family: any ArrayFamily, arrays: [String], hostCount: Int) {
        self.family = family
        self.arrays = arrays
        for index in stride(from: 1, through: hostCount, by: 1) {
            let host = SimulatedHost.make(index: index, family: family, arrays: arrays)
            hosts[host.name] = host
        }
    }

    func host(nodeID: String) -> SimulatedHost? {
        hosts.values.first { $0.nodeID == nodeID }
    }

    func isConnected(_ host: SimulatedHost, to array: String) -> Bool {
        host.arrays.contains(array) && !pathsDown.contains(HostArray(host: host.name, array: array))
    }

    // MARK: Volumes, writes

    mutating func createVolume(name: String, array: String?, storageProtocol: StorageProtocol,
                               remoteArray: String?, multiWriter: Bool) -> SimulatedVolume {
        let local = array ?? arrays[0]
        let spec = VolumeSpec(name: name, arrayID: local, number: nextVolumeNumber,
                              storageProtocol: storageProtocol, remoteArrayID: remoteArray)
        nextVolumeNumber += 1
        let volume = SimulatedVolume(handle: family.makeVolumeHandle(spec), name: name,
                                     arrays: [local] + (remoteArray.map { [$0] } ?? []),
                                     storageProtocol: storageProtocol, multiWriter: multiWriter)
        volumes[volume.handle] = volume
        return volume
    }

    /// A workload on `hostName` writes to the volume. Accepted only from a mapped host whose path
    /// to the array is up; a write from anywhere else is logged and counted as a violation where the
    /// invariant says so.
    mutating func write(volume handle: String, from hostName: String) -> Bool {
        let mapped = mappings[handle, default: []]
        let volume = volumes[handle]
        var accepted = mapped.contains(hostName)
        if let volume, let host = hosts[hostName] {
            accepted = accepted && volume.arrays.contains { isConnected(host, to: $0) }
        }
        if volume?.multiWriter != true {
            if !mapped.contains(hostName) {
                violations.append(.writeWithoutMapping(volume: handle, host: hostName))
            } else if mapped.count > 1 {
                violations.append(.writtenWhileMappedToOthers(
                    volume: handle, writer: hostName, others: mapped.subtracting([hostName]).sorted()))
            }
        }
        events.append(.write(volume: handle, host: hostName, accepted: accepted))
        return accepted
    }

    mutating func map(_ handle: String, to hostName: String) {
        var mapped = mappings[handle, default: []]
        guard !mapped.contains(hostName) else { return }
        mapped.insert(hostName)
        mappings[handle] = mapped
        events.append(.mapped(volume: handle, host: hostName))
        if mapped.count > 1, volumes[handle]?.multiWriter != true {
            violations.append(.mappedToSeveralHosts(volume: handle, hosts: mapped.sorted()))
        }
    }

    mutating func unmap(_ handle: String, from hostName: String) {
        guard mappings[handle]?.remove(hostName) != nil else { return }
        events.append(.unmapped(volume: handle, host: hostName))
    }

    // MARK: Faults

    mutating func apply(_ fault: SimulatorFault) {
        switch fault {
        case .path(let host, let array, let down):
            let key = HostArray(host: host, array: array)
            if down { pathsDown.insert(key) } else { pathsDown.remove(key) }
        case .io(let volume, let active):
            if active { ioActive.insert(volume) } else { ioActive.remove(volume) }
        case .pending(let method, let count):
            pendingFaults[method] = max(0, count)
        case .latency(let method, let delay):
            latency[method ?? ""] = delay == .zero ? nil : delay
        }
    }

    /// Counts a call and consumes a pending fault. Returns the delay to wait first and, when a
    /// pending fault fires, the error to throw after it.
    mutating func enter(_ method: String) -> (delay: Duration, error: RPCError?) {
        calls[method, default: 0] += 1
        let delay = latency[method] ?? latency[""] ?? .zero
        if let remaining = pendingFaults[method], remaining > 0 {
            pendingFaults[method] = remaining - 1
            return (delay, RPCError(code: .internalError, message: "\(method) is pending"))
        }
        return (delay, nil)
    }
}
