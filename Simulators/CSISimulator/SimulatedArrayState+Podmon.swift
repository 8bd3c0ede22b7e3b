import ArrayFamily
import CSI
import GRPCCore

/// `ValidateVolumeHostConnectivity` as each family's driver answers it, quirks included: which
/// arrays it checks, "last array checked wins", PowerScale ignoring a set array_id, PowerMax failing
/// on volumes of two arrays, PowerFlex's "no corresponding SDC".
extension SimulatedArrayState {
    func validate(_ request: Podmon_V1_ValidateVolumeHostConnectivityRequest) throws(RPCError)
        -> Podmon_V1_ValidateVolumeHostConnectivityResponse
    {
        let behaviour = family.validateBehaviour
        var response = Podmon_V1_ValidateVolumeHostConnectivityResponse()
        let noVolumes = request.volumeIds.isEmpty
        let noArray = request.arrayID.isEmpty

        // The presence probe and other no-op requests.
        let noOp: Bool = switch behaviour.arraySelection {
        case .singleSystem, .volumeArraysElseDefault where family.id == .powerscale:
            noVolumes && request.nodeID.isEmpty
        default:
            (noVolumes || noArray) && request.nodeID.isEmpty
        }
        if noOp {
            response.messages = [ValidateBehaviour.implementedMessage]
            return response
        }
        guard !request.nodeID.isEmpty else {
            throw RPCError(code: .invalidArgument, message: behaviour.nodeIDRequiredMessage)
        }

        let volumeArrays: [[String]] = request.volumeIds.map { handle in
            volumes[handle]?.arrays ?? (try? family.parseVolumeHandle(handle))?.arrayIDs ?? []
        }
        let checked: [String]
        switch behaviour.arraySelection {
        case .none:
            throw RPCError(code: .unimplemented, message: "unknown service podmon.v1.Podmon")
        case .singleSystem:
            checked = [noArray ? (volumeArrays.first?.first ?? arrays[0]) : request.arrayID]
        case .volumeArraysIncludingRemoteElseAll:
            checked = !noArray ? [request.arrayID] : noVolumes ? arrays : unique(volumeArrays.flatMap { $0 })
        case .volumeArraysElseDefault:
            if family.id == .powerscale && !noArray {
                // The driver's bug: with array_id set the set of clusters stays empty, nothing is checked.
                return response
            }
            let fromVolumes = unique(volumeArrays.compactMap(\.first))
            checked = !noArray ? [request.arrayID] : fromVolumes.isEmpty ? [arrays[0]] : fromVolumes
        case .volumeArraysElseAllManaged:
            let fromVolumes = unique(volumeArrays.compactMap(\.first))
            checked = !noArray ? [request.arrayID] : fromVolumes.isEmpty ? arrays : fromVolumes
            if behaviour.rejectsVolumesOfSeveralArrays {
                for array in checked {
                    for (handle, owners) in zip(request.volumeIds, volumeArrays) where owners.first != array {
                        let sym = owners.first ?? handle
                        throw RPCError(code: .internalError, message: "invalid symID \(sym) is provided")
                    }
                }
            }
        }

        let host = self.host(nodeID: request.nodeID)
        if family.id == .powerflex {
            guard let host, host.arrays.contains(checked[0]) else {
                throw RPCError(code: .invalidArgument,
                               message: "NodeID is invalid: \(request.nodeID) - there is no corresponding SDC, error: not found")
            }
        }
        // Go map order is random; sorted order keeps the simulator deterministic while still
        // letting one array's answer hide another's.
        var connected = false
        for array in (behaviour.lastCheckedArrayWins ? checked.sorted() : checked) {
            connected = host.map { isConnected($0, to: array) } ?? false
            response.messages.append(connected
                ? "array \(array) is connected to node \(request.nodeID)"
                : "array \(array) is not connected to node \(request.nodeID)")
        }
        response.connected = connected
        response.iosInProgress = request.volumeIds.contains { ioActive.contains($0) }
        return response
    }

    private func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }
}
