import CSI
import GRPCCore
import GRPCProtobuf
import SwiftProtobuf

/// The replies of a CSI driver (Libraries/CSI/Generated) as the gRPC client decodes them
/// (GRPCProtobuf's `ProtobufDeserializer`, the deserializer of the generated clients), then read
/// the way Libraries/CSI/CSIClient+*.swift map them to podguard's values.
extension FuzzTarget {
    static let csiReplies: [(type: any SwiftProtobuf.Message.Type, seed: String, read: @Sendable ([UInt8]) throws -> Void)] = [
        (Csi_V1_NodeGetInfoResponse.self,
         #"node_id: "3E2E5F3A-0000-0000-0000-000000000001" max_volumes_per_node: 256 accessible_topology { segments { key: "csi-vxflexos.dellemc.com/7a2c3e4f5d6b7c8d" value: "csi-vxflexos.dellemc.com" } }"#,
         { let reply: Csi_V1_NodeGetInfoResponse = try deserialize($0); _ = (reply.nodeID, reply.maxVolumesPerNode, reply.accessibleTopology.segments) }),
        (Csi_V1_ProbeResponse.self, #"ready { value: true }"#,
         { let reply: Csi_V1_ProbeResponse = try deserialize($0); _ = reply.hasReady ? reply.ready.value : true }),
        (Csi_V1_GetPluginInfoResponse.self, #"name: "csi-powerstore.dellemc.com" vendor_version: "2.14.0" manifest { key: "commit" value: "abc123" }"#,
         { let reply: Csi_V1_GetPluginInfoResponse = try deserialize($0); _ = (reply.name, reply.vendorVersion, reply.manifest) }),
        (Csi_V1_GetPluginCapabilitiesResponse.self, #"capabilities { service { type: CONTROLLER_SERVICE } } capabilities { volume_expansion { type: ONLINE } }"#,
         { let reply: Csi_V1_GetPluginCapabilitiesResponse = try deserialize($0); _ = reply.capabilities.map(\.type) }),
        (Csi_V1_ControllerPublishVolumeResponse.self, #"publish_context { key: "lun" value: "3" }"#,
         { let reply: Csi_V1_ControllerPublishVolumeResponse = try deserialize($0); _ = reply.publishContext }),
        (Csi_V1_ControllerUnpublishVolumeResponse.self, "", { let _: Csi_V1_ControllerUnpublishVolumeResponse = try deserialize($0) }),
        (Csi_V1_NodeStageVolumeResponse.self, "", { let _: Csi_V1_NodeStageVolumeResponse = try deserialize($0) }),
        (Csi_V1_NodeUnstageVolumeResponse.self, "", { let _: Csi_V1_NodeUnstageVolumeResponse = try deserialize($0) }),
        (Csi_V1_NodePublishVolumeResponse.self, "", { let _: Csi_V1_NodePublishVolumeResponse = try deserialize($0) }),
        (Csi_V1_NodeUnpublishVolumeResponse.self, "", { let _: Csi_V1_NodeUnpublishVolumeResponse = try deserialize($0) }),
        (Podmon_V1_ValidateVolumeHostConnectivityResponse.self,
         #"connected: true ios_in_progress: true messages: "array 7a2c3e4f5d6b7c8d: connected" messages: "volume 1f2e3d4c00000001: IO in progress""#,
         { let reply: Podmon_V1_ValidateVolumeHostConnectivityResponse = try deserialize($0); _ = (reply.connected, reply.iosInProgress, reply.messages) }),
    ]

    static func deserialize<Message: SwiftProtobuf.Message>(_ bytes: [UInt8]) throws -> Message {
        try ProtobufDeserializer<Message>().deserialize(bytes)
    }

    static let csiReply = FuzzTarget(
        "csi-reply",
        "a CSI or podmon reply (first byte picks the type) through ProtobufDeserializer, the fields CSIClient reads, and an encode/decode round trip",
        seeds: { _ in contractSeeds(csiReplies.map { ($0.type, $0.seed) }) }
    ) { bytes in
        let input = FuzzInput(bytes)
        let reply = csiReplies[input.selector % csiReplies.count]
        _ = try? reply.read(input.rest)
        decodeRoundTrip(reply.type, input.rest)
    }
}
