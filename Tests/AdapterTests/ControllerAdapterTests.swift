import AdapterKit
import ArrayFamily
import Bus
import ServiceKit
import ServiceLifecycle
import SwiftProtobuf
import Contracts
import CSI
import CSISimulator
import Testing

@Suite("Controller adapters against their family's simulator over a real nats-server", .serialized)
struct ControllerAdapterTests {
    @Test("probe answers the driver's name and whether the podmon extension is there", arguments: ArrayFamilyID.allCases)
    func probe(_ id: ArrayFamilyID) async throws {
        try await withAdapter(id) { bed in
            let reply = try await bed.probe()
            #expect(!reply.hasError, "\(reply.error)")
            #expect(reply.ready)
            #expect(reply.driverName == bed.sim.family.csiDriverName)
            #expect(reply.extensionPresent == bed.sim.family.hasPodmonExtension)
            #expect(reply.family == AdapterSubjects.contractFamily(id))
            #expect(reply.header.producerID == "adapter-\(id.rawValue)/test")
        }
    }

    static let dell: [ArrayFamilyID] = [.powerflex, .powerstore, .powerscale, .powermax, .unity]

    @Test("validate: connected, then disconnected when the path is down, I/O when the volume is busy", arguments: dell)
    func validate(_ id: ArrayFamilyID) async throws {
        try await withAdapter(id) { bed in
            let volume = bed.sim.createVolume(name: "pv-a", array: bed.sim.arrays[0])
            let connected = try await bed.validate(volumes: [volume.handle])
            #expect(!connected.hasError, "\(connected.error)")
            #expect(connected.connectivity == .connected)
            #expect(!connected.ioInProgress)
            #expect(connected.extensionPresent)

            bed.sim.inject(.io(volume: volume.handle, active: true))
            let busy = try await bed.validate(volumes: [volume.handle])
            #expect(busy.ioInProgress)

            bed.sim.inject(.io(volume: volume.handle, active: false))
            bed.sim.inject(.path(host: "node1", array: bed.sim.arrays[0], down: true))
            let lost = try await bed.validate(volumes: [volume.handle])
            #expect(lost.connectivity == .disconnected)
            #expect(lost.arrays.first?.arrayID == bed.sim.arrays[0])
            #expect(lost.arrays.first?.connectivity == .disconnected)
        }
    }

    @Test("two arrays: the driver's last checked array would win; the adapter's per-array answer does not",
          arguments: [ArrayFamilyID.powerstore, .powerscale, .unity])
    func lastArrayWins(_ id: ArrayFamilyID) async throws {
        try await withAdapter(id) { bed in
            let arrays = bed.sim.arrays.sorted()
            let first = bed.sim.createVolume(name: "a", array: arrays[0])
            let last = bed.sim.createVolume(name: "b", array: arrays[1])
            bed.sim.inject(.path(host: "node1", array: arrays[0], down: true))
            let reply = try await bed.validate(volumes: [first.handle, last.handle])
            #expect(!reply.hasError)
            #expect(reply.connectivity == .disconnected)
            #expect(reply.arrays.map(\.arrayID) == arrays)
            #expect(reply.arrays.map(\.connectivity) == [.disconnected, .connected])
        }
    }

    @Test("PowerStore metro volume: losing either array is seen", arguments: [0, 1])
    func metro(_ lost: Int) async throws {
        try await withAdapter(.powerstore) { bed in
            let volume = bed.sim.createVolume(name: "m", array: bed.sim.arrays[0], remoteArray: bed.sim.arrays[1])
            bed.sim.inject(.path(host: "node1", array: bed.sim.arrays[lost], down: true))
            let reply = try await bed.validate(volumes: [volume.handle])
            #expect(reply.arrays.count == 2)
            #expect(reply.connectivity == .disconnected)
            #expect(reply.arrays[lost].connectivity == .disconnected)
            #expect(reply.arrays[1 - lost].connectivity == .connected)
        }
    }

    @Test("PowerMax: volumes of two arrays are asked separately (one request would fail)")
    func powermaxMixed() async throws {
        try await withAdapter(.powermax) { bed in
            let a = bed.sim.createVolume(name: "a", array: bed.sim.arrays[0])
            let b = bed.sim.createVolume(name: "b", array: bed.sim.arrays[1])
            bed.sim.inject(.io(volume: b.handle, active: true))
            let reply = try await bed.validate(volumes: [a.handle, b.handle])
            #expect(!reply.hasError, "\(reply.error)")
            #expect(reply.connectivity == .connected)
            #expect(reply.ioInProgress)
            #expect(reply.arrays.map(\.ioInProgress) == [false, true])
        }
    }

    @Test("PowerFlex: a node-only check asks every known system; array_id restricts it")
    func powerflexSystems() async throws {
        try await withAdapter(.powerflex, knownArrays: true) { bed in
            bed.sim.inject(.path(host: "node1", array: bed.sim.arrays[1], down: true))
            let all = try await bed.validate()
            #expect(all.arrays.map(\.arrayID) == bed.sim.arrays)
            #expect(all.connectivity == .disconnected)
            let first = try await bed.validate(arrayID: bed.sim.arrays[0])
            #expect(first.arrays.map(\.arrayID) == [bed.sim.arrays[0]])
            #expect(first.connectivity == .connected)
        }
    }

    @Test("PowerFlex: 'no corresponding SDC' is an answer (disconnected), not an error")
    func noSDC() async throws {
        try await withAdapter(.powerflex) { bed in
            var request = Podguard_V1_ValidateHostConnectivityRequest()
            request.nodeName = "stranger"
            request.csiNodeID = "9E56672F-2F4B-4A42-BFF4-0000DEADBEEF"
            let reply = try await bed.request(.validateHostConnectivity, request, as: Podguard_V1_ValidateHostConnectivityReply.self)
            #expect(!reply.hasError, "\(reply.error)")
            #expect(reply.connectivity == .disconnected)
            #expect(!reply.ioInProgress)
        }
    }

    static func unpublishRequest(_ bed: AdapterBed, volume: String) -> Podguard_V1_ControllerUnpublishRequest {
        var request = Podguard_V1_ControllerUnpublishRequest()
        request.volumeHandle = volume
        request.csiNodeID = bed.sim.nodeID(of: "node1") ?? ""
        request.nodeName = "node1"
        request.fenceID = "fence-1"
        request.header.correlationID = "decision-1"
        return request
    }

    @Test("controller-unpublish removes the array's mapping", arguments: ArrayFamilyID.allCases)
    func controllerUnpublish(_ id: ArrayFamilyID) async throws {
        try await withAdapter(id) { bed in
            let volume = bed.sim.createVolume(name: "pv-f")
            let node1 = try #require(bed.sim.nodeID(of: "node1"))
            _ = try await withDriverClient(bed) { try await $0.controllerPublish(volumeID: volume.handle, nodeID: node1) }
            #expect(bed.sim.mappings(of: volume.handle) == ["node1"])
            let reply = try await bed.request(.controllerUnpublish, Self.unpublishRequest(bed, volume: volume.handle),
                                              as: Podguard_V1_ControllerUnpublishReply.self)
            #expect(!reply.hasError, "\(reply.error)")
            #expect(reply.header.correlationID == "decision-1")
            #expect(bed.sim.mappings(of: volume.handle).isEmpty)
            #expect(bed.sim.violations.isEmpty)
        }
    }

    @Test("controller-unpublish: 'pending' is retried; past the attempts the reply is PENDING with retry_after")
    func pending() async throws {
        try await withAdapter(.powerstore) { bed in
            let volume = bed.sim.createVolume(name: "pv-p")
            let node1 = try #require(bed.sim.nodeID(of: "node1"))
            _ = try await withDriverClient(bed) { try await $0.controllerPublish(volumeID: volume.handle, nodeID: node1) }

            bed.sim.inject(.pending(method: "ControllerUnpublishVolume", count: 5))
            let pending = try await bed.request(.controllerUnpublish, Self.unpublishRequest(bed, volume: volume.handle),
                                                as: Podguard_V1_ControllerUnpublishReply.self)
            #expect(pending.error.kind == .pending)
            #expect(pending.error.hasRetryAfter)
            #expect(bed.sim.callCount("ControllerUnpublishVolume") == 3)
            #expect(bed.sim.mappings(of: volume.handle) == ["node1"])

            bed.sim.inject(.pending(method: "ControllerUnpublishVolume", count: 2))
            let done = try await bed.request(.controllerUnpublish, Self.unpublishRequest(bed, volume: volume.handle),
                                             as: Podguard_V1_ControllerUnpublishReply.self)
            #expect(!done.hasError, "\(done.error)")
            #expect(bed.sim.mappings(of: volume.handle).isEmpty)
        }
    }

    @Test("an unknown volume is NOT_FOUND with its gRPC code")
    func notFound() async throws {
        try await withAdapter(.unity) { bed in
            let reply = try await bed.request(.controllerUnpublish, Self.unpublishRequest(bed, volume: "nosuch"),
                                              as: Podguard_V1_ControllerUnpublishReply.self)
            #expect(reply.error.kind == .notFound)
            #expect(reply.error.grpcCode == 5)
        }
    }

    @Test("the generic adapter answers UNKNOWN without the extension, and still fences")
    func generic() async throws {
        try await withAdapter(.generic) { bed in
            let volume = bed.sim.createVolume(name: "pv-g")
            let reply = try await bed.validate(volumes: [volume.handle])
            #expect(!reply.hasError)
            #expect(reply.connectivity == .unknown)
            #expect(!reply.extensionPresent)
            #expect(reply.arrays.isEmpty)
            let node1 = try #require(bed.sim.nodeID(of: "node1"))
            _ = try await withDriverClient(bed) { try await $0.controllerPublish(volumeID: volume.handle, nodeID: node1) }
            let fenced = try await bed.request(.controllerUnpublish, Self.unpublishRequest(bed, volume: volume.handle),
                                               as: Podguard_V1_ControllerUnpublishReply.self)
            #expect(!fenced.hasError)
            #expect(bed.sim.mappings(of: volume.handle).isEmpty)
        }
    }

    @Test("malformed payloads and a missing node id get typed INVALID_REQUEST replies; the adapter keeps serving")
    func malformed() async throws {
        try await withAdapter(.powerflex) { bed in
            let garbage: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF]
            for operation in [AdapterOperation.validateHostConnectivity, .controllerUnpublish, .probe] {
                let raw = try await bed.requester.request(garbage, to: bed.subjects.subject(operation), timeout: .seconds(10))
                let reply = try Podguard_V1_ControllerUnpublishReply(serializedBytes: raw.payload)  // header + error: same fields in every reply
                #expect(reply.error.kind == .invalidRequest, "\(operation)")
                #expect(reply.error.message.contains("undecodable"))
            }
            var missing = Podguard_V1_ValidateHostConnectivityRequest()
            missing.nodeName = "node1"
            let reply = try await bed.request(.validateHostConnectivity, missing, as: Podguard_V1_ValidateHostConnectivityReply.self)
            #expect(reply.error.kind == .invalidRequest)
            #expect(reply.error.message.contains("missing CSI annotations"))
            #expect(reply.connectivity == .unknown)
            let probe = try await bed.probe()
            #expect(!probe.hasError && probe.ready)
        }
    }

    @Test("socket loss: readiness goes false and replies are TRANSIENT; after recovery both come back")
    func socketLoss() async throws {
        try await withAdapter(.powerscale) { bed in
            let volume = bed.sim.createVolume(name: "pv-s")
            await bed.sim.stop()
            #expect(await AdapterBed.eventually { !bed.readiness.isReady })
            #expect(bed.readiness.snapshot().first { $0.component == "csi" }?.ready == false)
            let probe = try await bed.probe()
            #expect(probe.error.kind == .transient)
            #expect(probe.error.hasRetryAfter)
            let validate = try await bed.validate(volumes: [volume.handle])
            #expect(validate.error.kind == .transient)
            #expect(validate.connectivity == .unknown)

            try await bed.sim.start()
            #expect(await AdapterBed.eventually { bed.readiness.isReady })
            #expect(await AdapterBed.eventually { (try? await bed.probe())?.hasError == false })
            let again = try await bed.validate(volumes: [volume.handle])
            #expect(!again.hasError)
            #expect(again.connectivity == .connected)
        }
    }

    @Test("graceful shutdown answers the request already in flight")
    func gracefulShutdown() async throws {
        try await withAdapter(.powerflex) { bed in
            let volume = bed.sim.createVolume(name: "pv-d")
            let node1 = try #require(bed.sim.nodeID(of: "node1"))
            _ = try await withDriverClient(bed) { try await $0.controllerPublish(volumeID: volume.handle, nodeID: node1) }
            bed.sim.inject(.latency(method: "ControllerUnpublishVolume", delay: .milliseconds(500)))
            async let reply = bed.request(.controllerUnpublish, Self.unpublishRequest(bed, volume: volume.handle),
                                          as: Podguard_V1_ControllerUnpublishReply.self)
            #expect(await AdapterBed.eventually { bed.sim.callCount("ControllerUnpublishVolume") == 1 })
            await bed.group.triggerGracefulShutdown()
            let answered = try await reply
            #expect(!answered.hasError, "\(answered.error)")
            #expect(bed.sim.mappings(of: volume.handle).isEmpty)
        }
    }
}
