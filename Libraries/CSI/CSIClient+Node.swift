public import GRPCCore

/// What `NodeGetInfo` says.
public struct NodeInfo: Sendable, Hashable {
    /// The CSI node id (what controller calls and ValidateVolumeHostConnectivity take).
    public var nodeID: String
    public var maxVolumesPerNode: Int64
    public var topology: [String: String]
}

extension CSIClient {
    /// `Node.NodeGetInfo`.
    public func nodeInfo(deadline: Duration? = nil) async throws(CSIError) -> NodeInfo {
        let node = Csi_V1_Node.Client(wrapping: grpc)
        let response = try await call("NodeGetInfo", deadline: deadline) { options in
            try await node.nodeGetInfo(Csi_V1_NodeGetInfoRequest(), options: options)
        }
        return NodeInfo(nodeID: response.nodeID, maxVolumesPerNode: response.maxVolumesPerNode,
                        topology: response.accessibleTopology.segments)
    }

    /// `Node.NodeStageVolume`.
    public func nodeStage(
        volumeID: String, stagingTargetPath: String, publishContext: [String: String] = [:],
        capability: Csi_V1_VolumeCapability = .singleNodeWriterMount, deadline: Duration? = nil
    ) async throws(CSIError) {
        let node = Csi_V1_Node.Client(wrapping: grpc)
        var request = Csi_V1_NodeStageVolumeRequest()
        request.volumeID = volumeID
        request.stagingTargetPath = stagingTargetPath
        request.publishContext = publishContext
        request.volumeCapability = capability
        _ = try await call("NodeStageVolume", deadline: deadline) { options in
            try await node.nodeStageVolume(request, options: options)
        }
    }

    /// `Node.NodePublishVolume`.
    public func nodePublish(
        volumeID: String, targetPath: String, stagingTargetPath: String = "",
        publishContext: [String: String] = [:], capability: Csi_V1_VolumeCapability = .singleNodeWriterMount,
        readonly: Bool = false, deadline: Duration? = nil
    ) async throws(CSIError) {
        let node = Csi_V1_Node.Client(wrapping: grpc)
        var request = Csi_V1_NodePublishVolumeRequest()
        request.volumeID = volumeID
        request.targetPath = targetPath
        request.stagingTargetPath = stagingTargetPath
        request.publishContext = publishContext
        request.volumeCapability = capability
        request.readonly = readonly
        _ = try await call("NodePublishVolume", deadline: deadline) { options in
            try await node.nodePublishVolume(request, options: options)
        }
    }

    /// `Node.NodeUnpublishVolume`, retried under the pending rule (as podmon does).
    public func nodeUnpublish(volumeID: String, targetPath: String, deadline: Duration? = nil) async throws(CSIError) {
        let node = Csi_V1_Node.Client(wrapping: grpc)
        var request = Csi_V1_NodeUnpublishVolumeRequest()
        request.volumeID = volumeID
        request.targetPath = targetPath
        try await configuration.pendingRetry.run { () async throws(CSIError) in
            _ = try await call("NodeUnpublishVolume", deadline: deadline) { options in
                try await node.nodeUnpublishVolume(request, options: options)
            }
        }
    }

    /// `Node.NodeUnstageVolume` (podmon does not retry it).
    public func nodeUnstage(volumeID: String, stagingTargetPath: String, deadline: Duration? = nil) async throws(CSIError) {
        let node = Csi_V1_Node.Client(wrapping: grpc)
        var request = Csi_V1_NodeUnstageVolumeRequest()
        request.volumeID = volumeID
        request.stagingTargetPath = stagingTargetPath
        _ = try await call("NodeUnstageVolume", deadline: deadline) { options in
            try await node.nodeUnstageVolume(request, options: options)
        }
    }
}
