import Contracts
import DecisionCore
import DecisionService
import Foundation
import Policy
import SwiftProtobuf
import Testing

@Suite("decision engine (no I/O)")
struct DecisionEngineTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func requests(_ effects: [DecisionEffect]) -> [Podguard_V1_FenceRequest] {
        effects.compactMap { if case .claimAndRequest(_, let request, _, _) = $0 { return request } else { return nil } }
    }

    static func records(_ effects: [DecisionEffect]) -> [Podguard_V1_DecisionRecord] {
        effects.compactMap {
            switch $0 {
            case .claimAndRequest(_, _, let decision, _): return decision
            case .record(let decision, _): return decision
            case .taint(_, let decision): return decision
            case .alert, .requeue: return nil
            }
        }
    }

    static func alerts(_ effects: [DecisionEffect]) -> [Podguard_V1_Alert] {
        effects.compactMap { if case .alert(let alert) = $0 { return alert } else { return nil } }
    }

    static func pause(_ on: Bool, expires: Date? = nil, at: Date = now) -> Podguard_V1_PauseSwitch {
        var value = Podguard_V1_PauseSwitch()
        value.header.producedAt = Google_Protobuf_Timestamp(date: at)
        value.paused = on
        value.reason = "array upgrade"
        value.by = "alice"
        if let expires { value.expiresAt = Google_Protobuf_Timestamp(date: expires) }
        return value
    }

    @Test("paused: nothing is requested, the records say why; switched off, what is due is requested at once")
    func pause() throws {
        var engine = Fixture.engine()
        let on = engine.setPause(Self.pause(true), now: Self.now)
        #expect(Self.alerts(on).map(\.reason) == ["PodguardPaused"])
        #expect(Self.alerts(on).first?.summary.contains("paused by alice (array upgrade)") == true)
        _ = engine.handle(.node(name: "w1", Fixture.node("w1", taints: [("node.kubernetes.io/unreachable", .noExecute)])), now: Self.now)
        let held = engine.handle(.pod(key: Fixture.podKey("pg-0"), Fixture.pod("pg-0", node: "w1")), now: Self.now)
        #expect(Self.requests(held).isEmpty)
        #expect(Self.records(held).map(\.outcome) == [.withheldPaused])
        #expect(Self.records(held).first?.explanation.contains("would act") == true)
        // A taint that would be requested is withheld too, and recorded once.
        _ = engine.handle(.node(name: "w2", Fixture.node("w2")), now: Self.now)
        _ = engine.handle(.pod(key: Fixture.podKey("pg-1"), Fixture.pod("pg-1", node: "w2", ready: .true)), now: Self.now)
        let tainting = engine.handle(.connectivity(key: "powerflex.w2", Fixture.connectivity(node: "w2", .lost)), now: Self.now)
        #expect(Self.taints(tainting).isEmpty)
        #expect(Self.records(tainting).map(\.outcome) == [.withheldPaused])
        #expect(engine.reevaluateAll(now: Self.now).allSatisfy { if case .taint = $0 { return false } else { return true } })

        let off = engine.setPause(Self.pause(false), now: Self.now)
        #expect(Self.alerts(off).map(\.reason) == ["PodguardResumed"])
        #expect(Self.requests(off).map(\.pod.name) == ["pg-0"])
        #expect(Self.taints(off).map(\.taint.key) == ["vxflexos.podmon.storage.dell.com"])
    }

    @Test("a pause with an expiry ends by itself: the next tick announces it and acts")
    func pauseExpires() {
        var engine = Fixture.engine()
        _ = engine.setPause(Self.pause(true, expires: Self.now.addingTimeInterval(60)), now: Self.now)
        _ = engine.handle(.node(name: "w1", Fixture.node("w1", taints: [("node.kubernetes.io/unreachable", .noExecute)])), now: Self.now)
        #expect(Self.requests(engine.handle(.pod(key: Fixture.podKey("pg-0"), Fixture.pod("pg-0", node: "w1")), now: Self.now)).isEmpty)
        let later = Self.now.addingTimeInterval(61)
        let tick = engine.reevaluateAll(now: later)
        #expect(Self.alerts(tick).map(\.reason) == ["PodguardResumed"])
        #expect(Self.alerts(tick).first?.summary.contains("expired") == true)
        // The tick decides what the pause held back (the verdict-free unreachable rule needs no freshness).
        #expect(Self.requests(tick).map(\.pod.name) == ["pg-0"])
        // The same pause read again (a restart): still expired, nothing announced twice.
        #expect(Self.alerts(engine.setPause(Self.pause(true, expires: Self.now.addingTimeInterval(60)), now: later)).isEmpty)
    }

    @Test("every replica announces the same pause with the same alert id")
    func pauseAlertIDs() {
        var first = Fixture.engine()
        var second = Fixture.engine()
        let a = Self.alerts(first.setPause(Self.pause(true), now: Self.now)).map(\.alertID)
        let b = Self.alerts(second.setPause(Self.pause(true), now: Self.now.addingTimeInterval(3))).map(\.alertID)
        #expect(a == b)
        #expect(a.count == 1)
    }

    @Test("array-wide outage: four Ready nodes lose PowerFlex at once; one ArrayOutage, no taint, no fence; then it is over")
    func arrayOutage() throws {
        var engine = Fixture.engine()
        let nodes = ["w1", "w2", "w3", "w4"]
        for (index, name) in nodes.enumerated() {
            _ = engine.handle(.node(name: name, Fixture.node(name)), now: Self.now)
            _ = engine.handle(.pod(key: Fixture.podKey("pg-\(index)"), Fixture.pod("pg-\(index)", node: name)), now: Self.now)
        }
        var lost = Fixture.connectivity(node: "w1", .lost)
        lost.lostSince = Google_Protobuf_Timestamp(date: Self.now)
        // The first node's loss alone is its own: its taint is requested.
        let first = engine.handle(.connectivity(key: "powerflex.w1", lost), now: Self.now)
        #expect(Self.taints(first).map(\.nodeName) == ["w1"])
        var effects: [DecisionEffect] = []
        for name in nodes.dropFirst() {
            var verdict = Fixture.connectivity(node: name, .lost)
            verdict.lostSince = Google_Protobuf_Timestamp(date: Self.now)
            effects += engine.handle(.connectivity(key: "powerflex.\(name)", verdict), now: Self.now)
        }
        let outage = Self.alerts(effects)
        #expect(outage.map(\.reason) == ["ArrayOutage"])
        #expect(outage.first?.severity == .critical)
        let record = try #require(Self.records(effects).first { $0.rule == .arrayOutage })
        #expect(record.outcome == .withheldOutage)
        #expect(record.outageNodes == ["w1", "w2"])
        #expect(record.outageFamily == .powerflex)
        // The first node's pod was requested before (its loss was its own); once open, no more
        // taints and no fence for the pods on the other nodes.
        #expect(Self.requests(first).map(\.pod.name) == ["pg-0"])
        #expect(Self.taints(effects).isEmpty)
        #expect(Self.requests(effects).isEmpty)
        #expect(Self.records(effects).filter { $0.outcome == .withheldOutage && !$0.pod.name.isEmpty }.map(\.pod.name) == ["pg-1", "pg-2", "pg-3"])
        #expect(Self.requests(engine.reevaluateAll(now: Self.now)).isEmpty)
        #expect(Self.taints(engine.reevaluateAll(now: Self.now)).isEmpty)

        // Paths back on every node: the outage is over, announced once.
        var over: [DecisionEffect] = []
        for name in nodes { over += engine.handle(.connectivity(key: "powerflex.\(name)", Fixture.connectivity(node: name, .connected)), now: Self.now) }
        #expect(Self.alerts(over).map(\.reason) == ["ArrayOutageOver"])
    }

    @Test("driver pods down on most Ready nodes: one DriverOutage, no offline taint")
    func driverOutage() {
        var engine = Fixture.engine()
        var effects: [DecisionEffect] = []
        for name in ["w1", "w2", "w3"] {
            effects += engine.handle(.node(name: name, Fixture.node(name, driverPodReady: .false)), now: Self.now)
        }
        // The first node alone is its own failure: its offline taint was requested before the others went down.
        #expect(Self.taints(effects).map(\.nodeName) == ["w1"])
        #expect(Self.alerts(effects).map(\.reason) == ["DriverOutage"])
        #expect(Self.taints(engine.reevaluateAll(now: Self.now)).isEmpty)
    }

    @Test("podguard taints count against the storm limit: past the share of nodes a taint waits, alerted once")
    func taintStorm() {
        var configuration = PolicyConfiguration()
        configuration.outage.minAffectedNodes = 100  // this test is about the storm limit, not the breaker
        var engine = Fixture.engine(configuration)
        for name in ["w1", "w2", "w3", "w4"] {
            _ = engine.handle(.node(name: name, Fixture.node(name)), now: Self.now)
            _ = engine.handle(.pod(key: Fixture.podKey("pg-\(name)"), Fixture.pod("pg-\(name)", node: name, ready: .true)), now: Self.now)
        }
        var requested: [String] = []
        var withheld: [DecisionEffect] = []
        for name in ["w1", "w2", "w3"] {
            let effects = engine.handle(.connectivity(key: "powerflex.\(name)", Fixture.connectivity(node: name, .lost)), now: Self.now)
            requested += Self.taints(effects).map(\.nodeName)
            withheld += effects
        }
        #expect(requested == ["w1", "w2"])
        #expect(Self.records(withheld).filter { $0.outcome == .withheldStormLimit }.map(\.nodeName) == ["w3"])
        #expect(Self.taints(engine.reevaluateAll(now: Self.now)).isEmpty)
        #expect(Self.records(engine.reevaluateAll(now: Self.now)).filter { $0.outcome == .withheldStormLimit }.isEmpty)
    }

    static func taints(_ effects: [DecisionEffect]) -> [Podguard_V1_NodeTaintRequest] {
        effects.compactMap { if case .taint(let request, _) = $0 { return request } else { return nil } }
    }

    @Test("an unreachable node with a not-Ready pod: one fence request with volumes, node ids and taints; not repeated")
    func fenceRequested() throws {
        var engine = Fixture.engine()
        _ = engine.handle(.node(name: "w1", Fixture.node("w1")), now: Self.now)
        let calm = engine.handle(.pod(key: Fixture.podKey("pg-0"), Fixture.pod("pg-0", node: "w1", ready: .true)), now: Self.now)
        #expect(Self.requests(calm).isEmpty)
        #expect(Self.records(calm).map(\.outcome) == [.noAction])

        let notReady = engine.handle(.pod(key: Fixture.podKey("pg-0"), Fixture.pod("pg-0", node: "w1", rv: "2")), now: Self.now)
        #expect(Self.requests(notReady).isEmpty)
        let failed = engine.handle(.node(name: "w1", Fixture.node("w1", taints: [("node.kubernetes.io/unreachable", .noExecute)], rv: "2")), now: Self.now)
        let request = try #require(Self.requests(failed).first)
        #expect(request.reason == .nodeFailure)
        #expect(request.pod.uid == "uid-pg-0")
        #expect(request.volumes.map(\.volumeHandle) == ["7b2f0c5e00000001-pg-0"])
        #expect(request.csiNodeIds == [Fixture.flexDriver: "sdc-w1"])
        #expect(request.taints.map(\.key) == ["vxflexos.podmon.storage.dell.com"])
        #expect(request.nodeUnreachableNoExecute)
        guard case .claimAndRequest(let record, _, let decision, let alert) = failed.first else { Issue.record("no claim"); return }
        #expect(record.phase == .requested)
        #expect(record.fenceID == request.fenceID)
        #expect(decision.rule == .nodeUnreachableTaint)
        #expect(decision.fenceID == request.fenceID)
        #expect(alert.reason == "FenceRequested")

        // The same state again decides nothing new; the claim showing up is no news either.
        #expect(engine.handle(.node(name: "w1", Fixture.node("w1", taints: [("node.kubernetes.io/unreachable", .noExecute)], rv: "2")), now: Self.now).isEmpty)
        #expect(engine.handle(.fence(podUID: "uid-pg-0", record), now: Self.now).isEmpty)
    }

    @Test("pods with the same hostname affinity on the node are requested together, in one pass")
    func affinityGroup() {
        var engine = Fixture.engine()
        _ = engine.handle(.node(name: "w1", Fixture.node("w1")), now: Self.now)
        for name in ["app-0", "app-1"] {
            _ = engine.handle(.pod(key: Fixture.podKey(name), Fixture.pod(name, node: "w1", affinity: ["app": "db"])), now: Self.now)
        }
        _ = engine.handle(.pod(key: Fixture.podKey("solo"), Fixture.pod("solo", node: "w1", ready: .true)), now: Self.now)
        let effects = engine.handle(.node(name: "w1", Fixture.node("w1", taints: [("node.kubernetes.io/unreachable", .noSchedule)], rv: "2")), now: Self.now)
        let requests = Self.requests(effects)
        #expect(requests.map(\.pod.name) == ["app-0", "app-1"])
        #expect(Set(requests.map(\.affinityGroup)).count == 1)
        #expect(requests.first?.affinityGroup == "w1/app=db")
    }

    @Test("the records of a fence (and of its dry run) name the ladder of the node; other records none")
    func ladderInRecords() throws {
        let ladders = try RemediationLadders.parse(cluster: "storage:5m approval:1h", named: ["metal=storage:5m fence-agent:3m"],
                                                   label: "podguard.io/remediation-ladder", duration: { _ in .seconds(60) })
        for dryRun in [false, true] {
            var engine = Fixture.engine(PolicyConfiguration(dryRun: dryRun, ladders: ladders))
            var metal = Fixture.node("w1")
            metal.labels["podguard.io/remediation-ladder"] = "metal"
            _ = engine.handle(.node(name: "w1", metal), now: Self.now)
            _ = engine.handle(.pod(key: Fixture.podKey("pg-0"), Fixture.pod("pg-0", node: "w1")), now: Self.now)
            let healthy = engine.handle(.pod(key: Fixture.podKey("ok-0"), Fixture.pod("ok-0", node: "w1", ready: .true)), now: Self.now)
            #expect(Self.records(healthy).allSatisfy { $0.remediationLadder.isEmpty })
            var failed = Fixture.node("w1", taints: [("node.kubernetes.io/unreachable", .noExecute)], rv: "2")
            failed.labels["podguard.io/remediation-ladder"] = "metal"
            let effects = engine.handle(.node(name: "w1", failed), now: Self.now)
            let fenced = Self.records(effects).filter { $0.pod.name == "pg-0" }
            #expect(fenced.map(\.remediationLadder) == ["storage:1m fence-agent:1m (ladder metal)"], "dry run \(dryRun)")
            if dryRun, case .record(_, let alert) = effects.first {
                #expect(alert?.summary.contains("its ladder: storage:1m fence-agent:1m (ladder metal)") == true, "\(alert?.summary ?? "")")
            }
        }
    }

    @Test("dry run and storm limits record and alert but request nothing")
    func withheld() {
        var dry = Fixture.engine(PolicyConfiguration(dryRun: true))
        _ = dry.handle(.pod(key: Fixture.podKey("pg-0"), Fixture.pod("pg-0", node: "w1")), now: Self.now)
        let effects = dry.handle(.node(name: "w1", Fixture.node("w1", taints: [("node.kubernetes.io/unreachable", .noExecute)])), now: Self.now)
        #expect(Self.requests(effects).isEmpty)
        #expect(Self.records(effects).map(\.outcome) == [.withheldDryRun])
        guard case .record(_, let alert) = effects.first else { Issue.record("no record"); return }
        #expect(alert?.reason == "DryRunWouldFence")

        var storm = Fixture.engine(PolicyConfiguration(storm: StormLimits(maxConcurrentFences: 1, maxFencedNodeShare: nil)))
        var live = Podguard_V1_FenceRecord()
        live.phase = .fenced
        live.nodeName = "w9"
        live.pod.uid = "someone-else"
        _ = storm.handle(.fence(podUID: "someone-else", live), now: Self.now)
        _ = storm.handle(.pod(key: Fixture.podKey("pg-0"), Fixture.pod("pg-0", node: "w1")), now: Self.now)
        let waiting = storm.handle(.node(name: "w1", Fixture.node("w1", taints: [("node.kubernetes.io/unreachable", .noExecute)])), now: Self.now)
        #expect(Self.records(waiting).map(\.outcome) == [.withheldStormLimit])
        // When the other fence ends, the waiting pod is requested.
        live.phase = .podDeleted
        let released = storm.handle(.fence(podUID: "someone-else", live), now: Self.now)
        #expect(Self.requests(released).map(\.pod.name) == ["pg-0"])
    }

    static let unreachable: [(String, Podguard_V1_TaintEffect)] = [("node.kubernetes.io/unreachable", .noExecute)]

    static func claims(_ effects: [DecisionEffect]) -> [Podguard_V1_FenceRecord] {
        effects.compactMap { if case .claimAndRequest(let record, _, _, _) = $0 { return record } else { return nil } }
    }

    @Test("the concurrent-fence limit holds within one batch: a node with five pods under a limit of three")
    func stormLimitWithinOneBatch() {
        var engine = Fixture.engine(PolicyConfiguration(storm: StormLimits(maxConcurrentFences: 3, maxFencedNodeShare: nil)))
        _ = engine.handle(.node(name: "w1", Fixture.node("w1")), now: Self.now)
        for index in 0..<5 { _ = engine.handle(.pod(key: Fixture.podKey("pg-\(index)"), Fixture.pod("pg-\(index)", node: "w1")), now: Self.now) }
        let failed = engine.handle(.node(name: "w1", Fixture.node("w1", taints: Self.unreachable, rv: "2")), now: Self.now)
        let claims = Self.claims(failed)
        #expect(claims.map(\.pod.name) == ["pg-0", "pg-1", "pg-2"])
        #expect(Self.records(failed).filter { $0.outcome == .withheldStormLimit }.map(\.pod.name) == ["pg-3", "pg-4"])
        #expect(Self.records(failed).map(\.inputs.fencesInProgress) == [0, 1, 2, 3, 3])

        // The claims coming back through the bucket change no count, so nothing new.
        for claim in claims { #expect(engine.handle(.fence(podUID: claim.pod.uid, claim), now: Self.now).isEmpty) }
        #expect(engine.reevaluateAll(now: Self.now).isEmpty)

        // One fence ends: exactly one waiting pod goes.
        var ended = claims[0]
        ended.phase = .podDeleted
        #expect(Self.requests(engine.handle(.fence(podUID: ended.pod.uid, ended), now: Self.now)).map(\.pod.name) == ["pg-3"])
        #expect(Self.requests(engine.reevaluateAll(now: Self.now)).isEmpty)
    }

    @Test("the fenced-node share holds across nodes that fail before any claim comes back")
    func nodeShareBeforeClaimsReturn() {
        // Ten nodes at 20 %: two may be fenced at once.
        var engine = Fixture.engine(PolicyConfiguration(storm: StormLimits(maxConcurrentFences: nil, maxFencedNodeShare: 0.2)))
        for index in 0..<10 { _ = engine.handle(.node(name: "w\(index)", Fixture.node("w\(index)")), now: Self.now) }
        for index in 0..<3 { _ = engine.handle(.pod(key: Fixture.podKey("pg-\(index)"), Fixture.pod("pg-\(index)", node: "w\(index)")), now: Self.now) }
        var requested: [String] = []
        var withheld: [String] = []
        for index in 0..<3 {
            let effects = engine.handle(.node(name: "w\(index)", Fixture.node("w\(index)", taints: Self.unreachable, rv: "2")), now: Self.now)
            requested += Self.requests(effects).map(\.nodeName)
            withheld += Self.records(effects).filter { $0.outcome == .withheldStormLimit }.map(\.nodeName)
        }
        #expect(requested == ["w0", "w1"])
        #expect(withheld == ["w2"])
    }

    @Test("a request that could not be claimed is decided again at the next tick; a lost claim counts no longer")
    func unclaimedRequestRetried() {
        var engine = Fixture.engine(PolicyConfiguration(storm: StormLimits(maxConcurrentFences: 1, maxFencedNodeShare: nil)))
        _ = engine.handle(.node(name: "w1", Fixture.node("w1")), now: Self.now)
        _ = engine.handle(.pod(key: Fixture.podKey("pg-0"), Fixture.pod("pg-0", node: "w1")), now: Self.now)
        _ = engine.handle(.pod(key: Fixture.podKey("pg-1"), Fixture.pod("pg-1", node: "w1")), now: Self.now)
        let first = engine.handle(.node(name: "w1", Fixture.node("w1", taints: Self.unreachable, rv: "2")), now: Self.now)
        let request = Self.requests(first)
        #expect(request.map(\.pod.name) == ["pg-0"])
        #expect(engine.reevaluateAll(now: Self.now).isEmpty)

        engine.claimLost(podKey: Fixture.podKey("pg-0"))
        let again = Self.requests(engine.reevaluateAll(now: Self.now))
        #expect(again.map(\.pod.name) == ["pg-0"])
        #expect(again.first?.fenceID != request.first?.fenceID)
    }

    @Test("the mirror's node index follows pods and connectivity that move or go")
    func mirrorIndexes() {
        var mirror = ClusterMirror()
        _ = mirror.apply(.pod(key: "db.a", Fixture.pod("a", node: "w1")))
        _ = mirror.apply(.pod(key: "db.b", Fixture.pod("b", node: "w1")))
        #expect(mirror.podKeys(onNode: "w1") == ["db.a", "db.b"])
        #expect(mirror.apply(.pod(key: "db.a", Fixture.pod("a", node: "w2"))) == .pods(["db.a"]))
        #expect(mirror.podKeys(onNode: "w1") == ["db.b"])
        #expect(mirror.podKeys(onNode: "w2") == ["db.a"])
        _ = mirror.apply(.pod(key: "db.b", nil))
        #expect(mirror.podKeys(onNode: "w1").isEmpty)
        #expect(mirror.apply(.node(name: "w2", Fixture.node("w2"))) == .pods(["db.a"]))

        _ = mirror.apply(.connectivity(key: "powerflex.w2", Fixture.connectivity(node: "w2", .lost)))
        #expect(mirror.connectivity(ofNode: "w2").map(\.verdict) == [.lost])
        #expect(mirror.apply(.connectivity(key: "powerflex.w2", nil)) == .pods(["db.a"]))
        #expect(mirror.connectivity(ofNode: "w2").isEmpty)

        var record = Podguard_V1_FenceRecord()
        record.pod.namespace = "db"
        record.pod.name = "a"
        record.pod.uid = "uid-a"
        record.nodeName = "w2"
        record.phase = .requested
        #expect(mirror.apply(.fence(podUID: "uid-a", record)) == .fenceCounts(podKeys: ["db.a"]))
        #expect(mirror.liveFenceCount == 1)
        #expect(mirror.liveFencesByNode == ["w2": 1])
        record.phase = .fenced
        #expect(mirror.apply(.fence(podUID: "uid-a", record)) == .pods(["db.a"]))
        record.phase = .aborted
        #expect(mirror.apply(.fence(podUID: "uid-a", record)) == .fenceCounts(podKeys: ["db.a"]))
        #expect(mirror.liveFenceCount == 0)
        #expect(mirror.liveFencesByNode.isEmpty)
    }
}
