import Contracts
import DecisionCore
import DecisionService
import FamilyCatalog
import Foundation
import Policy
import SwiftProtobuf
import Testing

extension DecisionEngineTests {
    @Test("CrashLoopBackOff on a healthy node: delete requests, at most five, no taints")
    func crashLoop() {
        var engine = Fixture.engine()
        _ = engine.handle(.node(name: "w1", Fixture.node("w1")), now: Self.now)
        var requested = 0
        for attempt in 0..<7 {
            // Each delete brings a new pod (same name, new uid) that crashes again.
            var pod = Fixture.pod("pg-0", node: "w1", rv: "\(attempt)", crashLoop: true)
            pod.uid = "uid-pg-0-\(attempt)"
            let effects = engine.handle(.pod(key: Fixture.podKey("pg-0"), pod), now: Self.now)
            for request in Self.requests(effects) {
                #expect(request.reason == .crashLoopBackOff)
                #expect(request.taints.isEmpty)
                #expect(request.crashLoopRetry == UInt32(requested))
                requested += 1
            }
        }
        #expect(requested == 5)
    }

    @Test("node taints: driver pod down adds the offline taint, back up removes it; array loss adds the podguard taint")
    func nodeTaints() {
        var engine = Fixture.engine()
        let down = engine.handle(.node(name: "w1", Fixture.node("w1", driverPodReady: .false)), now: Self.now)
        #expect(Self.taints(down).map { "\($0.action) \($0.taint.key)" } == ["add offline.vxflexos.storage.dell.com"])
        #expect(Self.records(down).map(\.rule) == [.driverPodDown])
        // Not asked twice while the taint has not appeared yet.
        #expect(Self.taints(engine.handle(.node(name: "w1", Fixture.node("w1", rv: "2", driverPodReady: .false)), now: Self.now)).isEmpty)
        let up = engine.handle(.node(name: "w1", Fixture.node("w1", taints: [("offline.vxflexos.storage.dell.com", .noSchedule)], rv: "3",
                                                                  driverPodReady: .true)), now: Self.now)
        #expect(Self.taints(up).map { "\($0.action) \($0.taint.key)" } == ["remove offline.vxflexos.storage.dell.com"])

        var lossEngine = Fixture.engine()
        _ = lossEngine.handle(.node(name: "w2", Fixture.node("w2")), now: Self.now)
        _ = lossEngine.handle(.pod(key: Fixture.podKey("pg-1"), Fixture.pod("pg-1", node: "w2", ready: .true)), now: Self.now)
        let lost = lossEngine.handle(.connectivity(key: "powerflex.w2", Fixture.connectivity(node: "w2", .lost)), now: Self.now)
        #expect(Self.taints(lost).map { "\($0.action) \($0.taint.key)" } == ["add vxflexos.podmon.storage.dell.com"])
        // The Ready pod itself is not fenced.
        #expect(Self.requests(lost).isEmpty)
    }

    @Test("a LOST verdict the array-prober stopped refreshing neither fences a new pod nor taints the node")
    func staleLossIsNoEvidence() {
        var engine = Fixture.engine()
        _ = engine.handle(.node(name: "w2", Fixture.node("w2")), now: Self.now)
        // The prober's last verdict, from when the node's earlier pods of the family were there.
        var stale = Fixture.connectivity(node: "w2", .lost)
        stale.header.producedAt = Google_Protobuf_Timestamp(date: Self.now.addingTimeInterval(-600))
        stale.pollInterval = Google_Protobuf_Duration(seconds: 15)
        _ = engine.handle(.connectivity(key: "powerflex.w2", stale), now: Self.now)
        // A new pod of the family arrives, not Ready yet while it starts.
        let arrived = engine.handle(.pod(key: Fixture.podKey("pg-9"), Fixture.pod("pg-9", node: "w2")), now: Self.now)
        #expect(Self.requests(arrived).isEmpty)
        #expect(Self.taints(engine.handle(.node(name: "w2", Fixture.node("w2", rv: "2")), now: Self.now)).isEmpty)
        // The same verdict, refreshed by the prober, is acted on.
        var fresh = stale
        fresh.header.producedAt = Google_Protobuf_Timestamp(date: Self.now)
        let lost = engine.handle(.connectivity(key: "powerflex.w2", fresh), now: Self.now)
        #expect(Self.requests(lost).map(\.pod.name) == ["pg-9"])
        #expect(Self.taints(lost).map { "\($0.action) \($0.taint.key)" } == ["add vxflexos.podmon.storage.dell.com"])
    }

    @Test("a verdict's age counts from when the server stored it, whatever the prober's clock says")
    func verdictAgeFromServerTime() {
        var engine = Fixture.engine()
        _ = engine.handle(.node(name: "w2", Fixture.node("w2")), now: Self.now)
        _ = engine.handle(.pod(key: Fixture.podKey("pg-9"), Fixture.pod("pg-9", node: "w2")), now: Self.now)
        // A prober whose clock runs ten minutes ahead: its old LOST claims to be new.
        var skewed = Fixture.connectivity(node: "w2", .lost)
        skewed.header.producedAt = Google_Protobuf_Timestamp(date: Self.now)
        skewed.pollInterval = Google_Protobuf_Duration(seconds: 15)
        let old = engine.handle(.connectivity(key: "powerflex.w2", skewed, storedAt: Self.now.addingTimeInterval(-600)), now: Self.now)
        #expect(Self.requests(old).isEmpty)
        #expect(Self.taints(old).isEmpty)
        // One running behind: a LOST stored just now is acted on although it claims to be old.
        var behind = skewed
        behind.header.producedAt = Google_Protobuf_Timestamp(date: Self.now.addingTimeInterval(-600))
        let new = engine.handle(.connectivity(key: "powerflex.w2", behind, storedAt: Self.now), now: Self.now)
        #expect(Self.requests(new).map(\.pod.name) == ["pg-9"])
    }

    @Test("a pod whose fence was aborted is requested again only after the retry delay")
    func retryAfterAbort() throws {
        var engine = Fixture.engine()
        _ = engine.handle(.pod(key: Fixture.podKey("pg-0"), Fixture.pod("pg-0", node: "w1")), now: Self.now)
        let first = engine.handle(.node(name: "w1", Fixture.node("w1", taints: [("node.kubernetes.io/unreachable", .noExecute)])), now: Self.now)
        guard case .claimAndRequest(var record, _, _, _) = first.first else { Issue.record("no claim"); return }
        _ = engine.handle(.fence(podUID: "uid-pg-0", record), now: Self.now)
        record.phase = .aborted
        var transition = Podguard_V1_FencePhaseTransition()
        transition.phase = .aborted
        transition.at = .init(date: Self.now)
        record.transitions.append(transition)
        #expect(Self.requests(engine.handle(.fence(podUID: "uid-pg-0", record), now: Self.now.addingTimeInterval(1))).isEmpty)
        #expect(Self.requests(engine.reevaluateAll(now: Self.now.addingTimeInterval(5))).isEmpty)
        let again = engine.reevaluateAll(now: Self.now.addingTimeInterval(11))
        #expect(Self.requests(again).map(\.pod.name) == ["pg-0"])
    }

    @Test("a replacement that lands on a node with the same storage fault is not fenced again: one remediation per workload per outage")
    func repeatWithheld() throws {
        var engine = Fixture.engine()
        var first = Fixture.pod("pg-0", node: "w1")
        first.ownerKind = "StatefulSet"
        first.ownerName = "pg"
        first.creationTimestamp = .init(date: Self.now.addingTimeInterval(-3600))
        // Six nodes with the array; two losing it is no outage of the array.
        for index in 1...6 {
            _ = engine.handle(.node(name: "w\(index)", Fixture.node("w\(index)")), now: Self.now)
            _ = engine.handle(.pod(key: Fixture.podKey("other-\(index)"), Fixture.pod("other-\(index)", node: "w\(index)", ready: .true)), now: Self.now)
            _ = engine.handle(.connectivity(key: "powerflex.w\(index)", Fixture.connectivity(node: "w\(index)", .connected)), now: Self.now)
        }
        _ = engine.handle(.pod(key: Fixture.podKey("pg-0"), first), now: Self.now)
        let lost = engine.handle(.connectivity(key: "powerflex.w1", Fixture.connectivity(node: "w1", .lost)), now: Self.now)
        guard case .claimAndRequest(var record, let request, _, _)? = lost.first(where: { if case .claimAndRequest = $0 { true } else { false } })
        else { Issue.record("no fence requested"); return }
        #expect(request.workload == "db/StatefulSet/pg/pg-0")
        record.phase = .podDeleted
        var transition = Podguard_V1_FencePhaseTransition()
        transition.phase = .podDeleted
        transition.at = .init(date: Self.now.addingTimeInterval(2))
        record.transitions.append(transition)
        _ = engine.handle(.fence(podUID: "uid-pg-0", record), now: Self.now.addingTimeInterval(2))

        // The StatefulSet re-creates pg-0 on w2, which has lost the array as well.
        var replacement = Fixture.pod("pg-0", node: "w2", rv: "2")
        replacement.uid = "uid-pg-0-b"
        replacement.ownerKind = "StatefulSet"
        replacement.ownerName = "pg"
        replacement.creationTimestamp = .init(date: Self.now.addingTimeInterval(3))
        _ = engine.handle(.pod(key: Fixture.podKey("pg-0"), replacement), now: Self.now.addingTimeInterval(3))
        let again = engine.handle(.connectivity(key: "powerflex.w2", Fixture.connectivity(node: "w2", .lost)), now: Self.now.addingTimeInterval(4))
        #expect(Self.requests(again).isEmpty)
        #expect(Self.records(again).map(\.outcome).contains(.withheldRepeat))
        #expect(Self.records(again).first { $0.outcome == .withheldRepeat }?.explanation.contains("moved off w1") == true)
        #expect(Self.alerts(again).isEmpty)
        let alerts = again.compactMap { effect -> Podguard_V1_Alert? in
            if case .record(_, let alert?) = effect { return alert }
            return nil
        }
        #expect(alerts.map(\.reason) == ["RepeatedRemediationWithheld"])
        // Not repeated while it holds; acted on once the window has passed.
        #expect(Self.records(engine.reevaluateAll(now: Self.now.addingTimeInterval(60))).filter { $0.outcome == .withheldRepeat }.isEmpty)
        var fresh = Fixture.connectivity(node: "w2", .lost)
        fresh.header.producedAt = Google_Protobuf_Timestamp(date: Self.now.addingTimeInterval(310))
        let later = engine.handle(.connectivity(key: "powerflex.w2", fresh), now: Self.now.addingTimeInterval(310))
            + engine.reevaluateAll(now: Self.now.addingTimeInterval(310))
        #expect(Self.requests(later).map(\.pod.uid) == ["uid-pg-0-b"])
    }

    @Test("node silence: a pod still Ready on a node Unknown with the unreachable taint is fenced, with the array's proof required")
    func nodeSilence() {
        var engine = Fixture.engine()
        _ = engine.handle(.pod(key: Fixture.podKey("pg-0"), Fixture.pod("pg-0", node: "w1", ready: .true)), now: Self.now)
        var silent = Fixture.node("w1", taints: [("node.kubernetes.io/unreachable", .noSchedule)])
        silent.readyLastTransition = .init(date: Self.now.addingTimeInterval(-1))
        let effects = engine.handle(.node(name: "w1", silent), now: Self.now)
        #expect(Self.requests(effects).map(\.pod.name) == ["pg-0"])
        #expect(Self.requests(effects).first?.arrayProofRequired == true)
        #expect(Self.records(effects).first?.inputs.nodeNotReadyFor.seconds == 1)

        var podmon = PolicyConfiguration()
        podmon.notReadyEvidence = .podCondition
        var podmonEngine = Fixture.engine(podmon)
        _ = podmonEngine.handle(.pod(key: Fixture.podKey("pg-0"), Fixture.pod("pg-0", node: "w1", ready: .true)), now: Self.now)
        #expect(Self.requests(podmonEngine.handle(.node(name: "w1", silent), now: Self.now)).isEmpty)
    }
}

extension DecisionEngineTests {
    @Test("a driver named in families.genericDrivers gets its podguard taint on a fence, as the Dell drivers do")
    func genericDriverTaint() throws {
        let families = FamilyRegistry(genericDrivers: ["nfs.csi.k8s.io"])
        var engine = DecisionEngine(configuration: PolicyConfiguration(), taintKeys: families.taintKeys, producerID: "decision/test",
                                    version: "0") { UUID().uuidString }
        _ = engine.handle(.node(name: "w1", Fixture.node("w1", taints: [("node.kubernetes.io/unreachable", .noExecute)])), now: Self.now)
        var pod = Fixture.pod("pg-0", node: "w1")
        pod.volumes[0].driver = "nfs.csi.k8s.io"
        pod.volumes[0].family = .generic
        pod.volumes[0].volumeHandle = "nfs-share-1"
        pod.volumes[0].arrayIds = []
        let effects = engine.handle(.pod(key: Fixture.podKey("pg-0"), pod), now: Self.now)
        let request = try #require(Self.requests(effects).first)
        #expect(request.taints.map(\.key) == ["nfs.csi.k8s.io.podmon.storage.dell.com"])
        // Without the key the generic driver's taint is unknown: the fence goes on without a taint.
        var dellOnly = Fixture.engine()
        _ = dellOnly.handle(.node(name: "w1", Fixture.node("w1", taints: [("node.kubernetes.io/unreachable", .noExecute)])), now: Self.now)
        #expect(Self.requests(dellOnly.handle(.pod(key: Fixture.podKey("pg-0"), pod), now: Self.now)).first?.taints.isEmpty == true)
    }
}
