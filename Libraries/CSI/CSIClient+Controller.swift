public import GRPCCore

extension CSIClient {
    /// `Controller.ControllerPublishVolume`: maps the volume to the node at the array. Returns the
    /// publish context to pass to the node calls.
    public func controllerPublish(
        volumeID: String, nodeID: String, capability: Csi_V1_VolumeCapability = .singleNodeWriterMount,
        readonly: Bool = false, volumeContext: [String: String] = [:], deadline: Duration? = nil
    ) async throws(CSIError) -> [String: String] {
        let controller = Csi_V1_Controller.Client(wrapping: grpc)
        var request = Csi_V1_ControllerPublishVolumeRequest()
        request.volumeID = volumeID
        request.nodeID = nodeID
        request.volumeCapability = capability
        request.readonly = readonly
        request.volumeContext = volumeContext
        return try await call("ControllerPublishVolume", deadline: deadline) { options in
            try await controller.controllerPublishVolume(request, options: options)
        }.publishContext
    }

    /// `Controller.ControllerUnpublishVolume`: unmaps the volume from the node at the array — the
    /// storage fencing. Retried under the pending rule; `.notFound` means already unmapped (the
    /// caller decides whether that counts as fenced).
    public func controllerUnpublish(volumeID: String, nodeID: String, deadline: Duration? = nil) async throws(CSIError) {
        let controller = Csi_V1_Controller.Client(wrapping: grpc)
        var request = Csi_V1_ControllerUnpublishVolumeRequest()
        request.volumeID = volumeID
        request.nodeID = nodeID
        try await configuration.pendingRetry.run { () async throws(CSIError) in
            _ = try await call("ControllerUnpublishVolume", deadline: deadline) { options in
                try await controller.controllerUnpublishVolume(request, options: options)
            }
        }
    }
}

extension Csi_V1_VolumeCapability {
    /// A filesystem volume, ReadWriteOnce.
    public static var singleNodeWriterMount: Csi_V1_VolumeCapability {
        var capability = Csi_V1_VolumeCapability()
        capability.mount = Csi_V1_VolumeCapability.MountVolume()
        capability.accessMode.mode = .singleNodeWriter
        return capability
    }

    /// A raw block volume, ReadWriteOnce.
    public static var singleNodeWriterBlock: Csi_V1_VolumeCapability {
        var capability = Csi_V1_VolumeCapability()
        capability.block = Csi_V1_VolumeCapability.BlockVolume()
        capability.accessMode.mode = .singleNodeWriter
        return capability
    }
}
