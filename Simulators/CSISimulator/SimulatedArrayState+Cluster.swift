import ArrayFamily

/// What a multi-node cluster adds to the state: hosts by name, refused workload writes.
extension SimulatedArrayState {
    mutating func addHost(name: String, ipAddress: String) -> SimulatedHost {
        if let existing = hosts[name] { return existing }
        let host = SimulatedHost.make(index: hosts.count + 1, family: family, arrays: arrays,
                                      name: name, ipAddress: ipAddress)
        hosts[name] = host
        return host
    }

    mutating func attemptWrite(volume handle: String, from hostName: String) -> Bool {
        let mapped = mappings[handle, default: []]
        guard let volume = volumes[handle], mapped.contains(hostName), let host = hosts[hostName],
              volume.arrays.contains(where: { isConnected(host, to: $0) })
        else {
            refusedWrites[hostName, default: 0] += 1
            events.append(.write(volume: handle, host: hostName, accepted: false))
            return false
        }
        if !volume.multiWriter, mapped.count > 1 {
            violations.append(.writtenWhileMappedToOthers(
                volume: handle, writer: hostName, others: mapped.subtracting([hostName]).sorted()))
        }
        events.append(.write(volume: handle, host: hostName, accepted: true))
        return true
    }
}
