// Byte-level compatibility of proto/csi/v1/csi.proto and proto/podmon/v1/podmon.proto with the
// real schemas: messages are hand-encoded from the published field numbers and wire types (tag byte
// = field number << 3 | wire type; 0 = varint, 2 = length-delimited) and compared with what the
// generated code writes, and decoded back. A renumbered or retyped field fails here.

import CSI
import GRPCCore
import SwiftProtobuf
import Testing

@Suite("Wire compatibility with the CSI v1 and podmon.v1 schemas")
struct WireCompatibilityTests {
    static func bytes(_ hex: String) -> [UInt8] {
        hex.split(separator: " ").map { UInt8($0, radix: 16)! }
    }

    static func encode(_ message: some SwiftProtobuf.Message) throws -> [UInt8] {
        try message.serializedBytes()
    }

    @Test("ControllerUnpublishVolumeRequest{volume_id: x, node_id: y} is 0A 01 78 12 01 79")
    func controllerUnpublish() throws {
        var request = Csi_V1_ControllerUnpublishVolumeRequest()
        request.volumeID = "x"
        request.nodeID = "y"
        let wire = Self.bytes("0A 01 78 12 01 79")
        #expect(try Self.encode(request) == wire)
        let decoded = try Csi_V1_ControllerUnpublishVolumeRequest(serializedBytes: wire)
        #expect(decoded.volumeID == "x" && decoded.nodeID == "y")
        // secrets is field 3, a map<string,string> (entries are messages: key 1, value 2).
        let withSecret = try Csi_V1_ControllerUnpublishVolumeRequest(serializedBytes: Self.bytes("1A 06 0A 01 6B 12 01 73"))
        #expect(withSecret.secrets == ["k": "s"])
    }

    @Test("ValidateVolumeHostConnectivityRequest: array_id is field 4, io_sample_time_seconds field 3 (varint)")
    func validateRequest() throws {
        var request = Podmon_V1_ValidateVolumeHostConnectivityRequest()
        request.volumeIds = ["a", "b"]
        request.nodeID = "n"
        request.arrayID = "A"
        request.ioSampleTimeSeconds = 5
        let wire = Self.bytes("0A 01 61 0A 01 62 12 01 6E 18 05 22 01 41")
        #expect(try Self.encode(request) == wire)
        let decoded = try Podmon_V1_ValidateVolumeHostConnectivityRequest(serializedBytes: wire)
        #expect(decoded == request)
        // The presence probe is the empty message: zero bytes.
        #expect(try Self.encode(Podmon_V1_ValidateVolumeHostConnectivityRequest()).isEmpty)
    }

    @Test("ValidateVolumeHostConnectivityResponse: connected 1, ios_in_progress 2, messages 3")
    func validateResponse() throws {
        var response = Podmon_V1_ValidateVolumeHostConnectivityResponse()
        response.connected = true
        response.iosInProgress = true
        response.messages = ["m"]
        let wire = Self.bytes("08 01 10 01 1A 01 6D")
        #expect(try Self.encode(response) == wire)
        #expect(try Podmon_V1_ValidateVolumeHostConnectivityResponse(serializedBytes: wire) == response)
        let onlyIO = try Podmon_V1_ValidateVolumeHostConnectivityResponse(serializedBytes: Self.bytes("10 01"))
        #expect(!onlyIO.connected && onlyIO.iosInProgress)
    }

    @Test("ProbeResponse.ready is a google.protobuf.BoolValue in field 1")
    func probe() throws {
        var response = Csi_V1_ProbeResponse()
        response.ready = Google_Protobuf_BoolValue(true)
        #expect(try Self.encode(response) == Self.bytes("0A 02 08 01"))
        let notReady = try Csi_V1_ProbeResponse(serializedBytes: Self.bytes("0A 00"))
        #expect(notReady.hasReady && !notReady.ready.value)
    }

    @Test("GetPluginInfoResponse and GetPluginCapabilitiesResponse")
    func identity() throws {
        var info = Csi_V1_GetPluginInfoResponse()
        info.name = "n"
        info.vendorVersion = "v"
        info.manifest = ["k": "v"]
        let wire = Self.bytes("0A 01 6E 12 01 76 1A 06 0A 01 6B 12 01 76")
        #expect(try Self.encode(info) == wire)
        #expect(try Csi_V1_GetPluginInfoResponse(serializedBytes: wire) == info)

        var capability = Csi_V1_PluginCapability()
        capability.service.type = .controllerService
        var capabilities = Csi_V1_GetPluginCapabilitiesResponse()
        capabilities.capabilities = [capability]
        #expect(try Self.encode(capabilities) == Self.bytes("0A 04 0A 02 08 01"))
        // volume_expansion is oneof field 2 with type ONLINE = 1.
        let expansion = try Csi_V1_PluginCapability(serializedBytes: Self.bytes("12 02 08 01"))
        #expect(expansion.volumeExpansion.type == .online)
    }

    @Test("ControllerPublishVolumeRequest with a mount capability, SINGLE_NODE_WRITER, readonly")
    func controllerPublish() throws {
        var request = Csi_V1_ControllerPublishVolumeRequest()
        request.volumeID = "v"
        request.nodeID = "n"
        var mount = Csi_V1_VolumeCapability.MountVolume()
        mount.fsType = "ext4"
        request.volumeCapability.mount = mount
        request.volumeCapability.accessMode.mode = .singleNodeWriter
        request.readonly = true
        // capability (field 3): mount (2) { fs_type (1) "ext4" }, access_mode (3) { mode (1) = 1 }
        let wire = Self.bytes("0A 01 76 12 01 6E 1A 0C 12 06 0A 04 65 78 74 34 1A 02 08 01 20 01")
        #expect(try Self.encode(request) == wire)
        #expect(try Csi_V1_ControllerPublishVolumeRequest(serializedBytes: wire) == request)
        // block is oneof field 1 (an empty message); access modes 5 and 7 exist.
        let block = try Csi_V1_VolumeCapability(serializedBytes: Self.bytes("0A 00 1A 02 08 05"))
        #expect(block.block == Csi_V1_VolumeCapability.BlockVolume())
        #expect(block.accessMode.mode == .multiNodeMultiWriter)
        #expect(try Csi_V1_VolumeCapability.AccessMode(serializedBytes: Self.bytes("08 07")).mode == .singleNodeMultiWriter)
    }

    @Test("Node calls: stage 3, publish target 4 and readonly 6, unpublish and unstage field 2")
    func node() throws {
        var stage = Csi_V1_NodeStageVolumeRequest()
        stage.volumeID = "v"
        stage.publishContext = ["k": "v"]
        stage.stagingTargetPath = "s"
        #expect(try Self.encode(stage) == Self.bytes("0A 01 76 12 06 0A 01 6B 12 01 76 1A 01 73"))

        var publish = Csi_V1_NodePublishVolumeRequest()
        publish.volumeID = "v"
        publish.stagingTargetPath = "s"
        publish.targetPath = "t"
        publish.readonly = true
        #expect(try Self.encode(publish) == Self.bytes("0A 01 76 1A 01 73 22 01 74 30 01"))

        var unpublish = Csi_V1_NodeUnpublishVolumeRequest()
        unpublish.volumeID = "v"
        unpublish.targetPath = "t"
        #expect(try Self.encode(unpublish) == Self.bytes("0A 01 76 12 01 74"))

        var unstage = Csi_V1_NodeUnstageVolumeRequest()
        unstage.volumeID = "v"
        unstage.stagingTargetPath = "s"
        #expect(try Self.encode(unstage) == Self.bytes("0A 01 76 12 01 73"))
    }

    @Test("NodeGetInfoResponse: node_id 1, max_volumes_per_node 2 (int64), accessible_topology 3")
    func nodeInfo() throws {
        var info = Csi_V1_NodeGetInfoResponse()
        info.nodeID = "n"
        info.maxVolumesPerNode = 3
        info.accessibleTopology.segments = ["k": "v"]
        let wire = Self.bytes("0A 01 6E 10 03 1A 08 0A 06 0A 01 6B 12 01 76")
        #expect(try Self.encode(info) == wire)
        #expect(try Csi_V1_NodeGetInfoResponse(serializedBytes: wire) == info)
        // Fields of the real schema that are not declared here are skipped, not errors.
        let withUnknown = try Csi_V1_NodeGetInfoResponse(serializedBytes: Self.bytes("0A 01 6E F8 06 01"))
        #expect(withUnknown.nodeID == "n")
    }

    @Test("gRPC paths are the real ones")
    func paths() {
        #expect(Csi_V1_Identity.Method.Probe.descriptor.fullyQualifiedMethod == "csi.v1.Identity/Probe")
        #expect(Csi_V1_Identity.Method.GetPluginInfo.descriptor.fullyQualifiedMethod == "csi.v1.Identity/GetPluginInfo")
        #expect(Csi_V1_Controller.Method.ControllerUnpublishVolume.descriptor.fullyQualifiedMethod
                == "csi.v1.Controller/ControllerUnpublishVolume")
        #expect(Csi_V1_Node.Method.NodeUnstageVolume.descriptor.fullyQualifiedMethod == "csi.v1.Node/NodeUnstageVolume")
        #expect(Csi_V1_Node.Method.NodeGetInfo.descriptor.fullyQualifiedMethod == "csi.v1.Node/NodeGetInfo")
        #expect(Podmon_V1_Podmon.Method.ValidateVolumeHostConnectivity.descriptor.fullyQualifiedMethod
                == "podmon.v1.Podmon/ValidateVolumeHostConnectivity")
    }
}
