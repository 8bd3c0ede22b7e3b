import ArrayFamily
import CSI
import GRPCCore

/// The CSI Controller and Node calls against the state, with the answers a real driver gives.
extension SimulatedArrayState {
    func resolveHost(nodeID: String) throws(RPCError) -> SimulatedHost {
        guard !nodeID.isEmpty else { throw RPCError(code: .invalidArgument, message: "node ID is required") }
        do {
            _ = try family.parseNodeID(nodeID)
        } catch {
            throw RPCError(code: .invalidArgument, message: "\(error)")
        }
        guard let host = host(nodeID: nodeID) else {
            throw RPCError(code: .notFound, message: "node \(nodeID) not found on any array")
        }
        return host
    }

    func resolveVolume(_ handle: String) throws(RPCError) -> SimulatedVolume {
        guard !handle.isEmpty else { throw RPCError(code: .invalidArgument, message: "volume ID is required") }
        guard let volume = volumes[handle] else {
            throw RPCError(code: .notFound, message: "volume \(handle) not found")
        }
        return volume
    }

    mutating func controllerPublish(_ request: Csi_V1_ControllerPublishVolumeRequest) throws(RPCError)
        -> Csi_V1_ControllerPublishVolumeResponse
    {
        let volume = try resolveVolume(request.volumeID)
        let host = try resolveHost(nodeID: request.nodeID)
        let others = mappings[volume.handle, default: []].subtracting([host.name])
        let multi = [.multiNodeMultiWriter, .multiNodeReaderOnly, .multiNodeSingleWriter]
            .contains(request.volumeCapability.accessMode.mode)
        if !others.isEmpty && !multi && !volume.multiWriter && refuseSecondPublish {
            throw RPCError(code: .failedPrecondition,
                           message: "volume \(volume.handle) is published to another node: \(others.sorted().joined(separator: ","))")
        }
        map(volume.handle, to: host.name)
        var response = Csi_V1_ControllerPublishVolumeResponse()
        response.publishContext = ["volumeHandle": volume.handle, "array": volume.arrays[0]]
        return response
    }

    mutating func controllerUnpublish(_ request: Csi_V1_ControllerUnpublishVolumeRequest) throws(RPCError) {
        let volume = try resolveVolume(request.volumeID)
        if request.nodeID.isEmpty {
            for host in mappings[volume.handle, default: []].sorted() { unmap(volume.handle, from: host) }
            return
        }
        let host = try resolveHost(nodeID: request.nodeID)
        unmap(volume.handle, from: host.name)   // idempotent: not mapped is success
    }

    mutating func nodeStage(node: String, _ request: Csi_V1_NodeStageVolumeRequest) throws(RPCError) {
        let volume = try resolveVolume(request.volumeID)
        guard !request.stagingTargetPath.isEmpty else {
            throw RPCError(code: .invalidArgument, message: "staging target path is required")
        }
        try requireDevice(volume, on: node)
        mounts[node, default: [:]][volume.handle, default: []].insert(request.stagingTargetPath)
    }

    mutating func nodePublish(node: String, _ request: Csi_V1_NodePublishVolumeRequest) throws(RPCError) {
        let volume = try resolveVolume(request.volumeID)
        guard !request.targetPath.isEmpty else {
            throw RPCError(code: .invalidArgument, message: "target path is required")
        }
        try requireDevice(volume, on: node)
        let staged = mounts[node]?[volume.handle] ?? []
        if family.cleanupLayout.legacyStaging != nil, !request.stagingTargetPath.isEmpty,
           !staged.contains(request.stagingTargetPath) {
            throw RPCError(code: .failedPrecondition,
                           message: "volume \(volume.handle) is not staged at \(request.stagingTargetPath)")
        }
        mounts[node, default: [:]][volume.handle, default: []].insert(request.targetPath)
    }

    mutating func nodeUnmount(node: String, volumeID: String, path: String) throws(RPCError) {
        guard !volumeID.isEmpty, !path.isEmpty else {
            throw RPCError(code: .invalidArgument, message: "volume ID and path are required")
        }
        // Idempotent, as the spec asks: an unknown mount is success.
        mounts[node]?[volumeID]?.remove(path)
        if mounts[node]?[volumeID]?.isEmpty == true { mounts[node]?[volumeID] = nil }
    }

    /// The device is visible on the node only while the volume is mapped to it (and, for block,
    /// a path is up).
    func requireDevice(_ volume: SimulatedVolume, on node: String) throws(RPCError) {
        guard mappings[volume.handle, default: []].contains(node) else {
            throw RPCError(code: .failedPrecondition, message: "volume \(volume.handle) is not published to node \(node)")
        }
    }
}
