import Contracts
import Policy
import Testing

@Suite("connectivity, grouping, cleanup and node taint rules")
struct SupportingPolicyTests {
    @Test("loss after threshold consecutive failures; errors neither count nor reset")
    func lossCounter() {
        var counter = ConnectivityLossCounter(threshold: 3)
        var changes: [Bool] = []
        for sample: ConnectivityLossCounter.Sample in [.disconnected, .error, .disconnected] {
            changes.append(counter.record(sample))
        }
        #expect(changes == [false, false, false])
        #expect(counter.consecutiveFailures == 2)
        let third = counter.record(.disconnected)
        #expect(third)
        #expect(counter.isLost)
        let afterError = counter.record(.error)
        #expect(!afterError)
        #expect(counter.isLost)
        let recovered = counter.record(.connected)
        #expect(recovered)
        #expect(!counter.isLost)
        #expect(counter.consecutiveFailures == 0)
    }

    @Test("hostname-affinity groups: same node and equal labels move together")
    func affinity() {
        typealias Member = AffinityGroups.Member<String>
        let members = [
            Member(id: "a", node: "n1", affinityLabels: ["app": "db"]),
            Member(id: "b", node: "n1", affinityLabels: [:]),
            Member(id: "c", node: "n1", affinityLabels: ["app": "db"]),
            Member(id: "d", node: "n2", affinityLabels: ["app": "db"]),
            Member(id: "e", node: "n1", affinityLabels: [:]),
            Member(id: "f", node: "n1", affinityLabels: ["tier": "x", "app": "db"]),
        ]
        let groups = AffinityGroups.group(members).map { $0.map(\.id) }
        #expect(groups == [["a", "c"], ["b"], ["d"], ["e"], ["f"]])
        #expect(AffinityGroups.key(node: "n", affinityLabels: ["b": "2", "a": "1"]) == "n/a=1,b=2")
    }

    @Test("the taint goes only when nothing was skipped or failed (and, optionally, after a reboot)")
    func cleanupTaint() {
        let clean: [(pod: String, status: CleanupPolicy.PodStatus)] = [
            ("ns/a", .cleaned), ("ns/b", .ignoredStillScheduledHere), ("ns/c", .ignoredVolumeless),
        ]
        #expect(CleanupPolicy.taintVerdict(clean, zombiesSeenSinceTaint: false, bootIDChanged: false, requireBootIDChange: true) == .remove)
        let zombie = clean + [("ns/d", .skippedContainerRunning("abc"))]
        #expect(CleanupPolicy.taintVerdict(zombie, zombiesSeenSinceTaint: true, bootIDChanged: false, requireBootIDChange: false)
                == .keep(reasons: ["ns/d: container abc still running"]))
        #expect(CleanupPolicy.taintVerdict(clean, zombiesSeenSinceTaint: true, bootIDChanged: false, requireBootIDChange: true)
                == .keep(reasons: ["zombie containers were seen and the node has not rebooted (boot id unchanged)"]))
        #expect(CleanupPolicy.taintVerdict(clean, zombiesSeenSinceTaint: true, bootIDChanged: true, requireBootIDChange: true) == .remove)
        #expect(CleanupPolicy.taintVerdict(clean, zombiesSeenSinceTaint: true, bootIDChanged: false, requireBootIDChange: false) == .remove)
        let failed = CleanupPolicy.taintVerdict([("ns/e", .failed("unstage: busy")), ("ns/f", .skippedStillPresent)],
                                                zombiesSeenSinceTaint: false, bootIDChanged: false, requireBootIDChange: false)
        #expect(failed == .keep(reasons: ["ns/e: cleanup failed: unstage: busy", "ns/f: still present with the same uid"]))
        #expect(CleanupPolicy.stableLongEnough(taintedAndReachableFor: .seconds(20), window: .seconds(20)))
        #expect(!CleanupPolicy.stableLongEnough(taintedAndReachableFor: .seconds(19), window: .seconds(20)))
    }

    @Test("driver-offline and connectivity-loss taints")
    func nodeTaints() {
        let key = "offline.vxflexos.storage.dell.com"
        #expect(NodeTaintPolicy.driverOffline(driverPodReady: false, hasOfflineTaint: false, taintKey: key) == .add(key))
        #expect(NodeTaintPolicy.driverOffline(driverPodReady: false, hasOfflineTaint: true, taintKey: key) == .none)
        #expect(NodeTaintPolicy.driverOffline(driverPodReady: true, hasOfflineTaint: true, taintKey: key) == .remove(key))
        #expect(NodeTaintPolicy.driverOffline(driverPodReady: true, hasOfflineTaint: false, taintKey: key) == .none)
        #expect(NodeTaintPolicy.driverOffline(driverPodReady: nil, hasOfflineTaint: true, taintKey: key) == .none)
        // The node controller's mark of a silent node's pods is no report of the driver.
        #expect(NodeTaintPolicy.driverOffline(driverPodReady: false, reportedByKubelet: false, hasOfflineTaint: false, taintKey: key) == .none)
        #expect(NodeTaintPolicy.driverOffline(driverPodReady: true, reportedByKubelet: false, hasOfflineTaint: true, taintKey: key) == .remove(key))
        let podguard = "vxflexos.podmon.storage.dell.com"
        #expect(NodeTaintPolicy.connectivityLoss(lost: true, hasProtectedPods: true, hasPodguardTaint: false, taintKey: podguard) == .add(podguard))
        #expect(NodeTaintPolicy.connectivityLoss(lost: true, hasProtectedPods: false, hasPodguardTaint: false, taintKey: podguard) == .none)
        #expect(NodeTaintPolicy.connectivityLoss(lost: true, hasProtectedPods: true, hasPodguardTaint: true, taintKey: podguard) == .none)
        #expect(NodeTaintPolicy.connectivityLoss(lost: false, hasProtectedPods: true, hasPodguardTaint: false, taintKey: podguard) == .none)
    }

    @Test("podmon's Event texts, byte for byte")
    func eventTexts() {
        #expect(PodmonEventText.cleaning(podUID: "7520ba2a", node: "node.example.com")
                == "podmon cleaning pod [7520ba2a node.example.com] with force delete")
        #expect(PodmonEventText.aborted(podUID: "u", node: "n", reason: .arrayConnectedOrIo)
                == "podmon aborted pod cleanup [u n] array connected or recent I/O")
        #expect(PodmonEventText.aborted(podUID: "u", node: "n", reason: .missingCsiAnnotations)
                == "podmon aborted pod cleanup [u n] due to missing CSI annotations")
        #expect(PodmonEventText.aborted(podUID: "u", node: "n", reason: .validationError)
                == "podmon aborted pod cleanup [u n] due to error while validating volume host connectivity")
        #expect(PodmonEventText.couldNotFence(podUID: "u", node: "n") == "podmon aborted pod cleanup [u n] couldn't fence volumes")
        #expect(PodmonEventText.crashLoopDelete(podUID: "u", node: "n", retry: 3) == "podmon cleaning pod [u n retry: 3] with delete")
    }
}
