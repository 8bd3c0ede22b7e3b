// Byte-level compatibility of proto/cri/runtime/v1/api.proto with the real Kubernetes CRI schema
// (k8s.io/cri-api runtime/v1): messages are hand-encoded from the published field numbers and wire
// types (tag byte = field number << 3 | wire type; 0 = varint, 2 = length-delimited) and compared
// with what the generated code writes, and decoded back. A renumbered or retyped field fails here.

import CRI
import GRPCCore
import SwiftProtobuf
import Testing

@Suite("Wire compatibility with the CRI runtime.v1 schema")
struct WireCompatibilityTests {
    static func bytes(_ hex: String) -> [UInt8] {
        hex.split(separator: " ").map { UInt8($0, radix: 16)! }
    }

    static func encode(_ message: some SwiftProtobuf.Message) throws -> [UInt8] {
        try message.serializedBytes()
    }

    @Test("VersionRequest.version 1; VersionResponse version 1, runtime_name 2, runtime_version 3, runtime_api_version 4")
    func version() throws {
        var request = Runtime_V1_VersionRequest()
        request.version = "v1"
        #expect(try Self.encode(request) == Self.bytes("0A 02 76 31"))

        var response = Runtime_V1_VersionResponse()
        response.version = "0.1.0"
        response.runtimeName = "c"
        response.runtimeVersion = "1"
        response.runtimeApiVersion = "v1"
        let wire = Self.bytes("0A 05 30 2E 31 2E 30 12 01 63 1A 01 31 22 02 76 31")
        #expect(try Self.encode(response) == wire)
        #expect(try Runtime_V1_VersionResponse(serializedBytes: wire) == response)
    }

    @Test("ContainerFilter: id 1, state 2 (ContainerStateValue{state 1}), pod_sandbox_id 3, label_selector 4")
    func filter() throws {
        var filter = Runtime_V1_ContainerFilter()
        filter.id = "x"
        filter.state.state = .containerRunning
        filter.podSandboxID = "p"
        let wire = Self.bytes("0A 01 78 12 02 08 01 1A 01 70")
        #expect(try Self.encode(filter) == wire)
        #expect(try Runtime_V1_ContainerFilter(serializedBytes: wire) == filter)

        // A state filter of CONTAINER_CREATED (0) is an empty but present wrapper: "12 00", not nothing.
        var created = Runtime_V1_ContainerFilter()
        created.state.state = .containerCreated
        #expect(try Self.encode(created) == Self.bytes("12 00"))
        #expect(try Runtime_V1_ContainerFilter(serializedBytes: Self.bytes("12 00")).hasState)

        // ListContainersRequest.filter is field 1; map entries are messages (key 1, value 2).
        var request = Runtime_V1_ListContainersRequest()
        request.filter.labelSelector = ["a": "b"]
        #expect(try Self.encode(request) == Self.bytes("0A 08 22 06 0A 01 61 12 01 62"))
        // No filter: the empty message.
        #expect(try Self.encode(Runtime_V1_ListContainersRequest()).isEmpty)
    }

    @Test("Container: id 1 … annotations 9; state enum CREATED 0, RUNNING 1, EXITED 2, UNKNOWN 3")
    func container() throws {
        var container = Runtime_V1_Container()
        container.id = "c"
        container.podSandboxID = "s"
        container.metadata.name = "n"
        container.metadata.attempt = 2
        container.image.image = "i"
        container.imageRef = "r"
        container.state = .containerExited
        container.createdAt = 5
        container.labels = ["k": "v"]
        container.annotations = ["a": "b"]
        let wire = Self.bytes(
            "0A 01 63 12 01 73 1A 05 0A 01 6E 10 02 22 03 0A 01 69 2A 01 72 30 02 38 05 42 06 0A 01 6B 12 01 76 4A 06 0A 01 61 12 01 62")
        #expect(try Self.encode(container) == wire)
        #expect(try Runtime_V1_Container(serializedBytes: wire) == container)

        // created_at is an int64 of nanoseconds (a 2023 time takes 9 varint bytes).
        var created = Runtime_V1_Container()
        created.createdAt = 1_700_000_000_123_456_789
        #expect(try Self.encode(created) == Self.bytes("38 95 9A 97 EC E3 9F E7 CB 17"))

        #expect(Runtime_V1_ContainerState.containerCreated.rawValue == 0)
        #expect(Runtime_V1_ContainerState.containerRunning.rawValue == 1)
        #expect(Runtime_V1_ContainerState.containerExited.rawValue == 2)
        #expect(Runtime_V1_ContainerState.containerUnknown.rawValue == 3)

        // image_id (field 10) of the real schema is not declared here: skipped, not an error.
        let withImageID = try Runtime_V1_Container(serializedBytes: Self.bytes("0A 01 63 52 01 78"))
        #expect(withImageID.id == "c")
    }

    @Test("ListContainersResponse.containers is field 1")
    func listResponse() throws {
        var response = Runtime_V1_ListContainersResponse()
        var container = Runtime_V1_Container()
        container.id = "c"
        response.containers = [container]
        #expect(try Self.encode(response) == Self.bytes("0A 03 0A 01 63"))
    }

    @Test("gRPC paths are the real ones")
    func paths() {
        #expect(Runtime_V1_RuntimeService.Method.Version.descriptor.fullyQualifiedMethod == "runtime.v1.RuntimeService/Version")
        #expect(Runtime_V1_RuntimeService.Method.ListContainers.descriptor.fullyQualifiedMethod
                == "runtime.v1.RuntimeService/ListContainers")
    }
}
