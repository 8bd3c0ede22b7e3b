import ArrayFamily
import CSI
import CSISimulator
import Testing

/// The CSI client against a simulated driver of every family.
@Suite("CSI client against the simulator of each family")
struct ClientAgainstSimulatorTests {
    static let dellFamilies: [ArrayFamilyID] = [.powerflex, .powerstore, .powerscale, .powermax, .unity]

    @Test("probe, plugin info, node info and the extension probe", arguments: ArrayFamilyID.allCases)
    func identity(_ id: ArrayFamilyID) async throws {
        try await withSimulator(id) { sim, client in
            #expect(try await client.probe())
            let info = try await client.pluginInfo()
            #expect(info.name == sim.family.csiDriverName)
            #expect(try await client.pluginCapabilities().count == 1)
            let node = try await client.nodeInfo()
            #expect(node.nodeID == sim.nodeID(of: "node1"))
            #expect(try sim.family.parseNodeID(node.nodeID).raw == node.nodeID)
            switch await client.probeExtension() {
            case .present(let messages):
                #expect(id != .generic)
                #expect(messages == [ValidateBehaviour.implementedMessage])
            case .absent:
                #expect(id == .generic)
            case .unknown(let error):
                Issue.record("extension probe failed: \(error)")
            }
        }
    }

    @Test("publish, stage, publish on the node, then unpublish and unstage; unpublish fences",
          arguments: ArrayFamilyID.allCases)
    func lifecycle(_ id: ArrayFamilyID) async throws {
        try await withSimulator(id) { sim, client in
            let volume = sim.createVolume(name: "pvc-1")
            let node1 = try #require(sim.nodeID(of: "node1"))
            let context = try await client.controllerPublish(volumeID: volume.handle, nodeID: node1)
            #expect(context["volumeHandle"] == volume.handle)
            #expect(sim.mappings(of: volume.handle) == ["node1"])

            let plan = sim.family.cleanupPlan(for: VolumeOnNode(podUID: "uid-1", pvName: "pv-1", volumeHandle: volume.handle))
            let staging = plan.stagingPaths.last ?? ""
            if !staging.isEmpty {
                try await client.nodeStage(volumeID: volume.handle, stagingTargetPath: staging, publishContext: context)
            }
            try await client.nodePublish(volumeID: volume.handle, targetPath: plan.targetPath, stagingTargetPath: staging)
            #expect(sim.mounts(of: volume.handle, on: "node1").contains(plan.targetPath))
            #expect(sim.write(volume: volume.handle, from: "node1"))

            // A second node cannot get a single-writer volume while node1 holds it.
            let node2 = try #require(sim.nodeID(of: "node2"))
            await #expect { try await client.controllerPublish(volumeID: volume.handle, nodeID: node2) } throws: { error in
                (error as? CSIError)?.kind == .permanent
            }

            try await client.nodeUnpublish(volumeID: volume.handle, targetPath: plan.targetPath)
            if !staging.isEmpty { try await client.nodeUnstage(volumeID: volume.handle, stagingTargetPath: staging) }
            #expect(sim.mounts(of: volume.handle, on: "node1").isEmpty)

            try await client.controllerUnpublish(volumeID: volume.handle, nodeID: node1)
            #expect(sim.mappings(of: volume.handle).isEmpty)
            // Idempotent, as podguard retries after crashes.
            try await client.controllerUnpublish(volumeID: volume.handle, nodeID: node1)

            // The fenced node's writes are refused; the new node's are fine.
            #expect(!sim.write(volume: volume.handle, from: "node1"))
            _ = try await client.controllerPublish(volumeID: volume.handle, nodeID: node2)
            #expect(sim.write(volume: volume.handle, from: "node2"))
            #expect(sim.violations == [.writeWithoutMapping(volume: volume.handle, host: "node1")])
        }
    }

    @Test("unknown volumes are notFound, malformed node ids are permanent")
    func errors() async throws {
        try await withSimulator(.powerstore) { sim, client in
            let node1 = try #require(sim.nodeID(of: "node1"))
            await #expect { try await client.controllerUnpublish(volumeID: "u/PSabcdef0123/scsi", nodeID: node1) } throws: {
                ($0 as? CSIError)?.kind == .notFound
            }
            let volume = sim.createVolume(name: "pvc-1")
            await #expect { try await client.controllerPublish(volumeID: volume.handle, nodeID: "no-ip-here") } throws: {
                ($0 as? CSIError)?.kind == .permanent
            }
        }
    }

    @Test("ValidateVolumeHostConnectivity: connected, path down, I/O", arguments: dellFamilies)
    func validate(_ id: ArrayFamilyID) async throws {
        try await withSimulator(id) { sim, client in
            let volume = sim.createVolume(name: "pvc-1")
            let node1 = try #require(sim.nodeID(of: "node1"))
            var reply = try await client.validateVolumeHostConnectivity(nodeID: node1, volumeIDs: [volume.handle])
            #expect(reply.connected && !reply.iosInProgress)

            sim.inject(.io(volume: volume.handle, active: true))
            reply = try await client.validateVolumeHostConnectivity(nodeID: node1, volumeIDs: [volume.handle])
            #expect(reply.connected && reply.iosInProgress)

            sim.inject(.path(host: "node1", array: volume.arrays[0], down: true))
            sim.inject(.io(volume: volume.handle, active: false))
            reply = try await client.validateVolumeHostConnectivity(nodeID: node1, volumeIDs: [volume.handle])
            #expect(!reply.connected && !reply.iosInProgress)
            #expect(reply.messages.contains { $0.contains("not connected") })

            // Another node is unaffected.
            let node2 = try #require(sim.nodeID(of: "node2"))
            #expect(try await client.validateVolumeHostConnectivity(nodeID: node2, volumeIDs: [volume.handle]).connected)

            // PowerStore, PowerMax and Unity answer volumes without array id nor node id as a no-op...
            if id != .powerflex && id != .powerscale {
                let noOp = try await client.validateVolumeHostConnectivity(nodeID: "", volumeIDs: [volume.handle])
                #expect(noOp.messages == [ValidateBehaviour.implementedMessage])
            }
            // ...and volumes with an array id but no node id with InvalidArgument and the driver's text.
            await #expect {
                try await client.validateVolumeHostConnectivity(nodeID: "", volumeIDs: [volume.handle], arrayID: volume.arrays[0])
            } throws: {
                ($0 as? CSIError)?.kind == .permanent
                    && ($0 as? CSIError)?.message == sim.family.validateBehaviour.nodeIDRequiredMessage
            }
        }
    }

    @Test("PowerFlex: a node the array does not know is 'no corresponding SDC', read as disconnected")
    func powerflexUnknownSDC() async throws {
        try await withSimulator(.powerflex) { sim, client in
            let unknown = "9E56672F-2F4B-4A42-BFF4-0000DEADBEEF"
            do {
                _ = try await client.validateVolumeHostConnectivity(nodeID: unknown)
                Issue.record("expected an error")
            } catch let error as CSIError {
                #expect(error.kind == .permanent)
                #expect(sim.family.errorMeansDisconnected(error.message))
            }
        }
    }
}
