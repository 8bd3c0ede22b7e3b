import ArrayFamily
import CSI
import CSISimulator
import Testing

/// Asks per array as `ArrayFamily.connectivityQueries` plans and combines with
/// `ConnectivityCombiner` — the adapters' way (what a later round wraps in the adapter services).
func checkPerArray(_ client: CSIClient, family: any ArrayFamily, nodeID: String, volumes: [String],
                   knownArrays: [String] = []) async -> HostConnectivityVerdict {
    var answers: [ArrayAnswer] = []
    for query in family.connectivityQueries(volumeHandles: volumes, knownArrays: knownArrays) {
        do {
            let reply = try await client.validateVolumeHostConnectivity(
                nodeID: nodeID, volumeIDs: query.volumeIDs, arrayID: query.requestArrayID)
            answers.append(ArrayAnswer(query: query, outcome: .answered(connected: reply.connected,
                                                                        ioInProgress: reply.iosInProgress),
                                       messages: reply.messages))
        } catch {
            answers.append(ArrayAnswer(query: query, outcome: family.errorMeansDisconnected(error.message)
                ? .disconnectedByError(error.message) : .failed(error.message)))
        }
    }
    return ConnectivityCombiner.combine(answers)
}

@Suite("Multi-array and metro answers")
struct MultiArrayAgainstSimulatorTests {
    @Test("the driver's 'last array wins' hides a lost array; per-array queries do not",
          arguments: [ArrayFamilyID.powerstore, .powerscale, .unity])
    func lastArrayWins(_ id: ArrayFamilyID) async throws {
        try await withSimulator(id) { sim, client in
            let arrays = sim.arrays.sorted()
            let onFirst = sim.createVolume(name: "a", array: arrays[0])
            let onLast = sim.createVolume(name: "b", array: arrays[1])
            let node1 = try #require(sim.nodeID(of: "node1"))
            sim.inject(.path(host: "node1", array: arrays[0], down: true))

            // One request for both: the driver answers for the array it checked last (connected).
            let single = try await client.validateVolumeHostConnectivity(nodeID: node1, volumeIDs: [onFirst.handle, onLast.handle])
            #expect(single.connected)

            let verdict = await checkPerArray(client, family: sim.family, nodeID: node1,
                                              volumes: [onFirst.handle, onLast.handle])
            #expect(verdict.connectivity == .disconnected)
            #expect(verdict.arrays.map(\.connectivity) == [.disconnected, .connected])
            #expect(verdict.connectivity(of: try sim.family.parseVolumeHandle(onLast.handle)) == .connected)
        }
    }

    @Test("PowerMax refuses volumes of two arrays in one request; per-array queries work")
    func powermaxMixed() async throws {
        try await withSimulator(.powermax) { sim, client in
            let a = sim.createVolume(name: "a", array: sim.arrays[0])
            let b = sim.createVolume(name: "b", array: sim.arrays[1])
            let node1 = try #require(sim.nodeID(of: "node1"))
            await #expect { try await client.validateVolumeHostConnectivity(nodeID: node1, volumeIDs: [a.handle, b.handle]) } throws: {
                ($0 as? CSIError)?.message.hasPrefix("invalid symID") == true
            }
            sim.inject(.io(volume: b.handle, active: true))
            let verdict = await checkPerArray(client, family: sim.family, nodeID: node1, volumes: [a.handle, b.handle])
            #expect(verdict.connectivity == .connected)
            #expect(verdict.io == .active)
        }
    }

    @Test("metro volume: losing either array of a PowerStore metro volume is seen", arguments: [0, 1])
    func metro(_ lost: Int) async throws {
        try await withSimulator(.powerstore) { sim, client in
            let volume = sim.createVolume(name: "m", array: sim.arrays[0], remoteArray: sim.arrays[1])
            #expect(try sim.family.parseVolumeHandle(volume.handle).isMetro)
            let node1 = try #require(sim.nodeID(of: "node1"))
            sim.inject(.path(host: "node1", array: sim.arrays[lost], down: true))
            let verdict = await checkPerArray(client, family: sim.family, nodeID: node1, volumes: [volume.handle])
            #expect(verdict.arrays.count == 2)
            #expect(verdict.connectivity == .disconnected)
        }
    }

    @Test("PowerFlex: node-only checks per system catch a lost second system")
    func powerflexSystems() async throws {
        try await withSimulator(.powerflex) { sim, client in
            let node1 = try #require(sim.nodeID(of: "node1"))
            sim.inject(.path(host: "node1", array: sim.arrays[1], down: true))
            // podmon's call (no volumes, no array id) checks the default system only.
            #expect(try await client.validateVolumeHostConnectivity(nodeID: node1).connected)
            let verdict = await checkPerArray(client, family: sim.family, nodeID: node1, volumes: [],
                                              knownArrays: sim.arrays)
            #expect(verdict.connectivity == .disconnected)
        }
    }
}
