import ArrayProberCore
import ArrayProberService
import Contracts
import Foundation
import SwiftProtobuf
import Testing

@Suite("connectivity tracker (no I/O)")
struct ConnectivityTrackerTests {
    static let target = ProbeTarget(family: .powerstore, node: "w1", nodeUID: "u1", csiNodeID: "csi-node-w1-192.168.1.5",
                                    arrayIDs: ["PS-A", "PS-B"])
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func reply(_ arrays: [(String, Podguard_V1_Connectivity, Bool)]) -> ConnectivityTracker.Outcome {
        var reply = Podguard_V1_ValidateHostConnectivityReply()
        reply.extensionPresent = true
        reply.arrays = arrays.map { id, connectivity, io in
            var array = Podguard_V1_ArrayConnectivityResult()
            array.arrayID = id
            array.connectivity = connectivity
            array.ioInProgress = io
            return array
        }
        return .reply(reply)
    }

    @Test("each array is counted separately; one lost array makes the node lost")
    func perArray() {
        var tracker = ConnectivityTracker(target: Self.target, threshold: 2, pollInterval: .seconds(15), previous: nil)
        let header = Podguard_V1_Header()
        let first = tracker.record(Self.reply([("PS-A", .connected, true), ("PS-B", .disconnected, false)]), cycle: 1, producer: header, now: Self.now)
        #expect(first.verdict == .connected)
        #expect(first.arrays.map(\.consecutiveFailures) == [0, 1])
        #expect(first.arrays.first?.ioInProgress == true)
        let second = tracker.record(Self.reply([("PS-A", .connected, false), ("PS-B", .disconnected, false)]), cycle: 2, producer: header, now: Self.now)
        #expect(second.verdict == .lost)
        #expect(second.lostSince.seconds == Int64(Self.now.timeIntervalSince1970))
        let failed = tracker.record(.failed("timeout"), cycle: 3, producer: header, now: Self.now.addingTimeInterval(15))
        #expect(failed.verdict == .lost)
        #expect(failed.lostSince == second.lostSince)
        #expect(failed.arrays.allSatisfy { $0.lastError == "timeout" })
    }

    @Test("a takeover continues the count from the last published value, unless the node was re-created")
    func seeded() {
        var previous = Podguard_V1_ArrayConnectivity()
        previous.nodeUid = "u1"
        var sample = Podguard_V1_ArraySample()
        sample.arrayID = "PS-A"
        sample.consecutiveFailures = 2
        previous.arrays = [sample]
        var tracker = ConnectivityTracker(target: Self.target, threshold: 3, pollInterval: .seconds(15), previous: previous)
        let next = tracker.record(Self.reply([("PS-A", .disconnected, false), ("PS-B", .connected, false)]), cycle: 9,
                                  producer: Podguard_V1_Header(), now: Self.now)
        #expect(next.verdict == .lost)
        previous.nodeUid = "old-uid"
        var fresh = ConnectivityTracker(target: Self.target, threshold: 3, pollInterval: .seconds(15), previous: previous)
        let restarted = fresh.record(Self.reply([("PS-A", .disconnected, false), ("PS-B", .connected, false)]), cycle: 1,
                                     producer: Podguard_V1_Header(), now: Self.now)
        #expect(restarted.verdict == .connected)
    }

    @Test("a driver without the extension gives UNKNOWN, never LOST")
    func unimplemented() {
        var tracker = ConnectivityTracker(target: Self.target, threshold: 1, pollInterval: .seconds(15), previous: nil)
        var reply = Podguard_V1_ValidateHostConnectivityReply()
        reply.error.kind = .unimplemented
        for cycle in 1...3 {
            #expect(tracker.record(.reply(reply), cycle: UInt64(cycle), producer: Podguard_V1_Header(), now: Self.now).verdict == .unknown)
        }
    }

    @Test("targets: one per (family, node) with the arrays of its bound volumes and the node's CSI node id")
    func targets() {
        var pod = Podguard_V1_PodState()
        pod.nodeName = "w1"
        var a = Podguard_V1_VolumeState()
        a.family = .powerstore
        a.driver = "csi-powerstore.dellemc.com"
        a.arrayIds = ["PS-B"]
        a.bound = true
        var b = a
        b.arrayIds = ["PS-A", "PS-C"]
        var unbound = a
        unbound.bound = false
        unbound.arrayIds = ["PS-Z"]
        pod.volumes = [a, b, unbound]
        var node = Podguard_V1_NodeState()
        node.uid = "u1"
        node.csiNodeIds = ["csi-powerstore.dellemc.com": "csi-node-w1"]
        let targets = ProbeTarget.targets(pods: [pod], nodes: ["w1": node])
        #expect(targets == [ProbeTarget(family: .powerstore, node: "w1", nodeUID: "u1", csiNodeID: "csi-node-w1", arrayIDs: ["PS-A", "PS-B", "PS-C"])])
    }
}
