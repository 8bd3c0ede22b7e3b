import ArrayFamily
import CSI
import CSISimulator
import Testing

@Suite("Faults: pending, deadlines, socket loss")
struct FaultTests {
    @Test("ControllerUnpublish: two pending errors are retried through; three exhaust the rule")
    func pending() async throws {
        try await withSimulator(.unity) { sim, client in
            let volume = sim.createVolume(name: "pvc-1")
            let node1 = try #require(sim.nodeID(of: "node1"))
            _ = try await client.controllerPublish(volumeID: volume.handle, nodeID: node1)

            sim.inject(.pending(method: "ControllerUnpublishVolume", count: 2))
            try await client.controllerUnpublish(volumeID: volume.handle, nodeID: node1)
            #expect(sim.callCount("ControllerUnpublishVolume") == 3)
            #expect(sim.mappings(of: volume.handle).isEmpty)

            sim.inject(.pending(method: "NodeUnpublishVolume", count: 3))
            await #expect { try await client.nodeUnpublish(volumeID: volume.handle, targetPath: "/t") } throws: {
                ($0 as? CSIError)?.kind == .pending
            }
            #expect(sim.callCount("NodeUnpublishVolume") == 3)
            // NodeUnstage is not retried (podmon does not retry it).
            sim.inject(.pending(method: "NodeUnstageVolume", count: 1))
            await #expect(throws: CSIError.self) { try await client.nodeUnstage(volumeID: volume.handle, stagingTargetPath: "/s") }
            #expect(sim.callCount("NodeUnstageVolume") == 1)
        }
    }

    @Test("a call slower than its deadline fails with deadlineExceeded (transient)")
    func deadline() async throws {
        try await withSimulator(.powerscale) { sim, client in
            sim.inject(.latency(method: "ValidateVolumeHostConnectivity", delay: .seconds(30)))
            let node1 = try #require(sim.nodeID(of: "node1"))
            do {
                _ = try await client.validateVolumeHostConnectivity(nodeID: node1, deadline: .milliseconds(200))
                Issue.record("expected deadline exceeded")
            } catch let error as CSIError {
                #expect(error.isDeadlineExceeded)
                #expect(error.kind == .transient)
            }
            sim.inject(.latency(method: "ValidateVolumeHostConnectivity", delay: .zero))
            #expect(try await client.validateVolumeHostConnectivity(nodeID: node1).connected)
        }
    }

    @Test("socket down: calls fail unavailable; after restart the same client reconnects")
    func socketLoss() async throws {
        try await withSimulator(.powermax) { sim, client in
            #expect(try await client.probe())
            await sim.stop()
            do {
                _ = try await client.probe(deadline: .seconds(2))
                Issue.record("expected the call to fail while the socket is down")
            } catch let error as CSIError {
                #expect(error.kind == .unavailable || error.kind == .transient, "\(error)")
            }
            try await sim.start()
            // Reconnection is asynchronous (backoff up to 1 s): poll until a call succeeds.
            var recovered = false
            for _ in 0..<100 where !recovered {
                if (try? await client.probe(deadline: .seconds(1))) == true { recovered = true } else {
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            #expect(recovered)
            #expect(try await client.pluginInfo().name == "csi-powermax.dellemc.com")
        }
    }

    @Test("the invariant catches a volume mapped to two hosts when the array lets it")
    func invariant() async throws {
        try await withSimulator(.powerflex) { sim, client in
            sim.setRefuseSecondPublish(false)
            let volume = sim.createVolume(name: "pvc-1")
            _ = try await client.controllerPublish(volumeID: volume.handle, nodeID: try #require(sim.nodeID(of: "node1")))
            #expect(sim.violations.isEmpty)
            _ = try await client.controllerPublish(volumeID: volume.handle, nodeID: try #require(sim.nodeID(of: "node2")))
            sim.write(volume: volume.handle, from: "node2")
            #expect(sim.violations == [
                .mappedToSeveralHosts(volume: volume.handle, hosts: ["node1", "node2"]),
                .writtenWhileMappedToOthers(volume: volume.handle, writer: "node2", others: ["node1"]),
            ])
        }
    }
}
