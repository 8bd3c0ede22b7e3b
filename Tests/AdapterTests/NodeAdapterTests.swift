import AdapterKit
import ArrayFamily
import Bus
import Contracts
import CSI
import CSISimulator
import Synchronization
import Testing

/// A container runtime that knows a fixed list (a test double of the CRI).
struct FixedContainers: ContainerRuntime {
    var containers: [Podguard_V1_ContainerInfo]
    func listContainers(podUIDs: [String], deadline: Duration) async throws -> [Podguard_V1_ContainerInfo] {
        podUIDs.isEmpty ? containers : containers.filter { podUIDs.contains($0.podUid) }
    }
}

@Suite("Node adapters against their family's simulator over a real nats-server", .serialized)
struct NodeAdapterTests {
    @Test("probe in node mode reports the driver's node id")
    func probe() async throws {
        try await withAdapter(.powerstore, node: "node1") { bed in
            let reply = try await bed.probe()
            #expect(!reply.hasError, "\(reply.error)")
            #expect(reply.csiNodeID == bed.sim.nodeID(of: "node1"))
            #expect(bed.subjects.subject(.probe) == "podguard.v1.adapter.powerstore.node.node1.probe")
        }
    }

    /// Publishes and mounts a volume on node1 at the family's paths, as the kubelet would.
    static func mount(_ bed: AdapterBed, pv: String, pod: String) async throws -> (SimulatedVolume, NodeCleanupPlan) {
        let volume = bed.sim.createVolume(name: pv)
        let plan = bed.sim.family.cleanupPlan(for: VolumeOnNode(podUID: pod, pvName: pv, volumeHandle: volume.handle))
        let node1 = try #require(bed.sim.nodeID(of: "node1"))
        try await withDriverClient(bed) { client in
            let context = try await client.controllerPublish(volumeID: volume.handle, nodeID: node1)
            let staging = plan.stagingPaths.last ?? ""
            if !staging.isEmpty {
                try await client.nodeStage(volumeID: volume.handle, stagingTargetPath: staging, publishContext: context)
            }
            try await client.nodePublish(volumeID: volume.handle, targetPath: plan.targetPath, stagingTargetPath: staging,
                                         publishContext: context)
        }
        return (volume, plan)
    }

    @Test("node-unpublish and node-unstage at the family's paths (derived from pod uid and PV name)",
          arguments: ArrayFamilyID.allCases)
    func cleanup(_ id: ArrayFamilyID) async throws {
        try await withAdapter(id, node: "node1") { bed in
            let (volume, plan) = try await Self.mount(bed, pv: "pv-1", pod: "uid-1")
            #expect(bed.sim.mounts(of: volume.handle, on: "node1").contains(plan.targetPath))

            var unpublish = Podguard_V1_NodeUnpublishRequest()
            unpublish.volumeHandle = volume.handle
            unpublish.podUid = "uid-1"
            unpublish.pvName = "pv-1"
            let unpublished = try await bed.request(.nodeUnpublish, unpublish, as: Podguard_V1_NodeUnpublishReply.self)
            #expect(!unpublished.hasError, "\(unpublished.error)")
            #expect(!bed.sim.mounts(of: volume.handle, on: "node1").contains(plan.targetPath))

            var unstage = Podguard_V1_NodeUnstageRequest()
            unstage.volumeHandle = volume.handle
            unstage.pvName = "pv-1"
            let unstaged = try await bed.request(.nodeUnstage, unstage, as: Podguard_V1_NodeUnstageReply.self)
            #expect(!unstaged.hasError, "\(unstaged.error)")
            #expect(bed.sim.mounts(of: volume.handle, on: "node1").isEmpty)
            #expect(bed.sim.callCount("NodeUnstageVolume") == plan.stagingPaths.count)
        }
    }

    @Test("node-unpublish retries 'pending' and succeeds")
    func pending() async throws {
        try await withAdapter(.unity, node: "node1") { bed in
            let (volume, plan) = try await Self.mount(bed, pv: "pv-2", pod: "uid-2")
            bed.sim.inject(.pending(method: "NodeUnpublishVolume", count: 2))
            var unpublish = Podguard_V1_NodeUnpublishRequest()
            unpublish.volumeHandle = volume.handle
            unpublish.targetPath = plan.targetPath
            let reply = try await bed.request(.nodeUnpublish, unpublish, as: Podguard_V1_NodeUnpublishReply.self)
            #expect(!reply.hasError, "\(reply.error)")
            #expect(bed.sim.callCount("NodeUnpublishVolume") == 3)
        }
    }

    @Test("list-containers without a runtime is UNIMPLEMENTED")
    func noRuntime() async throws {
        try await withAdapter(.powermax, node: "node1") { bed in
            let reply = try await bed.request(.listContainers, Podguard_V1_ListContainersRequest(),
                                              as: Podguard_V1_ListContainersReply.self)
            #expect(reply.error.kind == .unimplemented)
        }
    }

    @Test("list-containers with a runtime filters by pod uid")
    func runtime() async throws {
        var a = Podguard_V1_ContainerInfo()
        a.containerID = "c1"
        a.podUid = "uid-a"
        a.state = .running
        var b = Podguard_V1_ContainerInfo()
        b.containerID = "c2"
        b.podUid = "uid-b"
        b.state = .exited
        try await withAdapter(.powerflex, node: "node1", containers: FixedContainers(containers: [a, b])) { bed in
            var request = Podguard_V1_ListContainersRequest()
            request.podUids = ["uid-a"]
            let reply = try await bed.request(.listContainers, request, as: Podguard_V1_ListContainersReply.self)
            #expect(!reply.hasError)
            #expect(reply.containers.map(\.containerID) == ["c1"])
        }
    }

    @Test("an empty node request is INVALID_REQUEST")
    func invalid() async throws {
        try await withAdapter(.powerscale, node: "node1") { bed in
            let reply = try await bed.request(.nodeUnpublish, Podguard_V1_NodeUnpublishRequest(), as: Podguard_V1_NodeUnpublishReply.self)
            #expect(reply.error.kind == .invalidRequest)
        }
    }
}
