import ArrayFamily
import CSI
import GRPCCore
import SwiftProtobuf

// The gRPC services of the simulated driver: thin shells over SimulatedArrayState.

struct IdentityService: Csi_V1_Identity.SimpleServiceProtocol {
    let simulator: CSIDriverSimulator

    func getPluginInfo(request: Csi_V1_GetPluginInfoRequest, context: ServerContext) async throws
        -> Csi_V1_GetPluginInfoResponse
    {
        try await simulator.enter("GetPluginInfo")
        var response = Csi_V1_GetPluginInfoResponse()
        response.name = simulator.family.csiDriverName
        response.vendorVersion = "2.99.0-podguard-sim"
        response.manifest = ["simulator": "podguard", "family": simulator.family.id.rawValue]
        return response
    }

    func getPluginCapabilities(request: Csi_V1_GetPluginCapabilitiesRequest, context: ServerContext) async throws
        -> Csi_V1_GetPluginCapabilitiesResponse
    {
        try await simulator.enter("GetPluginCapabilities")
        var capability = Csi_V1_PluginCapability()
        capability.service.type = .controllerService
        var response = Csi_V1_GetPluginCapabilitiesResponse()
        response.capabilities = [capability]
        return response
    }

    func probe(request: Csi_V1_ProbeRequest, context: ServerContext) async throws -> Csi_V1_ProbeResponse {
        try await simulator.enter("Probe")
        var response = Csi_V1_ProbeResponse()
        response.ready = Google_Protobuf_BoolValue(true)
        return response
    }
}

struct ControllerService: Csi_V1_Controller.SimpleServiceProtocol {
    let simulator: CSIDriverSimulator

    func controllerPublishVolume(request: Csi_V1_ControllerPublishVolumeRequest, context: ServerContext) async throws
        -> Csi_V1_ControllerPublishVolumeResponse
    {
        try await simulator.enter("ControllerPublishVolume")
        return try simulator.mutate { (state: inout SimulatedArrayState) throws(RPCError) in
            try state.controllerPublish(request)
        }
    }

    func controllerUnpublishVolume(request: Csi_V1_ControllerUnpublishVolumeRequest, context: ServerContext) async throws
        -> Csi_V1_ControllerUnpublishVolumeResponse
    {
        try await simulator.enter("ControllerUnpublishVolume")
        try simulator.mutate { (state: inout SimulatedArrayState) throws(RPCError) in try state.controllerUnpublish(request) }
        return Csi_V1_ControllerUnpublishVolumeResponse()
    }
}

struct NodeService: Csi_V1_Node.SimpleServiceProtocol {
    let simulator: CSIDriverSimulator

    /// A node call: counted (and delayed or failed as injected), then `change` on this node's state.
    private func nodeCall<Response: SwiftProtobuf.Message>(
        _ method: String, _ change: (inout SimulatedArrayState, _ node: String) throws(RPCError) -> Void
    ) async throws -> Response {
        try await simulator.enter(method)
        let node = simulator.nodeName
        try simulator.mutate { (state: inout SimulatedArrayState) throws(RPCError) in try change(&state, node) }
        return Response()
    }

    func nodeStageVolume(request: Csi_V1_NodeStageVolumeRequest, context: ServerContext) async throws
        -> Csi_V1_NodeStageVolumeResponse
    {
        try await nodeCall("NodeStageVolume") { (state, node) throws(RPCError) in try state.nodeStage(node: node, request) }
    }

    func nodeUnstageVolume(request: Csi_V1_NodeUnstageVolumeRequest, context: ServerContext) async throws
        -> Csi_V1_NodeUnstageVolumeResponse
    {
        try await nodeCall("NodeUnstageVolume") { (state, node) throws(RPCError) in
            try state.nodeUnmount(node: node, volumeID: request.volumeID, path: request.stagingTargetPath)
        }
    }

    func nodePublishVolume(request: Csi_V1_NodePublishVolumeRequest, context: ServerContext) async throws
        -> Csi_V1_NodePublishVolumeResponse
    {
        try await nodeCall("NodePublishVolume") { (state, node) throws(RPCError) in try state.nodePublish(node: node, request) }
    }

    func nodeUnpublishVolume(request: Csi_V1_NodeUnpublishVolumeRequest, context: ServerContext) async throws
        -> Csi_V1_NodeUnpublishVolumeResponse
    {
        try await nodeCall("NodeUnpublishVolume") { (state, node) throws(RPCError) in
            try state.nodeUnmount(node: node, volumeID: request.volumeID, path: request.targetPath)
        }
    }

    func nodeGetInfo(request: Csi_V1_NodeGetInfoRequest, context: ServerContext) async throws
        -> Csi_V1_NodeGetInfoResponse
    {
        try await simulator.enter("NodeGetInfo")
        var response = Csi_V1_NodeGetInfoResponse()
        response.nodeID = simulator.nodeID(of: simulator.nodeName) ?? simulator.nodeName
        return response
    }
}

struct PodmonService: Podmon_V1_Podmon.SimpleServiceProtocol {
    let simulator: CSIDriverSimulator

    func validateVolumeHostConnectivity(request: Podmon_V1_ValidateVolumeHostConnectivityRequest, context: ServerContext)
        async throws -> Podmon_V1_ValidateVolumeHostConnectivityResponse
    {
        try await simulator.enter("ValidateVolumeHostConnectivity")
        return try simulator.mutate { (state: inout SimulatedArrayState) throws(RPCError) in try state.validate(request) }
    }
}
