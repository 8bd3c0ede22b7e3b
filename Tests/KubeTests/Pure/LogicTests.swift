import Foundation
import Kube
import Testing

@Suite("Taints, events, informer store, watch and leader state machines (pure)")
struct LogicTests {
    @Test func taintEditsAreIdempotentAndTouchNothingElse() throws {
        let foreign = Taint(key: "node.kubernetes.io/unreachable", effect: "NoExecute")
        let podmon = Taint(key: "csi-vxflexos.podmon.storage.dell.com", effect: "NoSchedule")
        let added = try #require(TaintEdit.adding(podmon, to: [foreign]))
        #expect(added.map(\.key) == [podmon.key, foreign.key], "prepended, as podmon does")
        #expect(added.first?.timeAdded != nil)
        #expect(TaintEdit.adding(podmon, to: added) == nil)
        #expect(TaintEdit.adding(Taint(key: podmon.key, effect: "NoExecute"), to: added)?.count == 3, "same key, other effect: another taint")
        #expect(TaintEdit.removing(key: podmon.key, effect: "NoSchedule", from: added) == [foreign])
        #expect(TaintEdit.removing(key: podmon.key, effect: "NoSchedule", from: [foreign]) == nil)
    }

    @Test func eventAggregationCountsRepeatsWithinTheWindow() {
        var aggregator = EventAggregator(window: .seconds(60))
        let pod = ObjectReference(kind: "Pod", namespace: "ns", name: "p", uid: "u1")
        let key = EventAggregationKey(regarding: pod, type: "Warning", reason: "NodeFailure", action: "NodeFailure", note: "m")
        let other = EventAggregationKey(regarding: pod, type: "Warning", reason: "NodeFailure", action: "NodeFailure", note: "different")
        let r1 = aggregator.observe(key, now: .zero)
        #expect(r1 == .create)
        // A repeat while the first is being created is coalesced; its count is written afterwards.
        let r2 = aggregator.observe(key, now: .seconds(1))
        #expect(r2 == .coalesced)
        let r3 = aggregator.created(key, name: "p.1")
        #expect(r3 == 2)
        let r4 = aggregator.observe(key, now: .seconds(2))
        #expect(r4 == .increment(name: "p.1", count: 3))
        let r5 = aggregator.observe(other, now: .seconds(2))
        #expect(r5 == .create)
        let r6 = aggregator.created(other, name: "p.2")
        #expect(r6 == nil)
        // Outside the window: a new Event.
        let r7 = aggregator.observe(key, now: .seconds(100))
        #expect(r7 == .create)
        aggregator.forget(key)
        let r8 = aggregator.observe(key, now: .seconds(101))
        #expect(r8 == .create)
    }

    private func pod(_ name: String, uid: String, rv: String, node: String? = nil) -> Pod {
        var pod = Pod(name: name, namespace: "ns")
        pod.metadata.uid = uid
        pod.metadata.resourceVersion = rv
        pod.spec = PodSpec(containers: [], nodeName: node)
        return pod
    }

    @Test func informerStoreNeverResurrectsADeletedObject() {
        var store = InformerStore<Pod>(indexes: [.byNodeName])
        _ = store.replace(with: [pod("a", uid: "ua", rv: "1", node: "n1"), pod("b", uid: "ub", rv: "2", node: "n1")])
        #expect(store.keys(index: "nodeName", value: "n1") == ["ns/a", "ns/b"])
        let deleted = store.apply(.deleted(pod("a", uid: "ua", rv: "3", node: "n1")))
        #expect(deleted.count == 1)
        #expect(store.wasDeleted(uid: "ua"))
        // A stale relist (served from an old cache) still lists "a": it must not come back.
        let relist = store.replace(with: [pod("a", uid: "ua", rv: "1", node: "n1"), pod("b", uid: "ub", rv: "6", node: "n2")])
        #expect(relist.count == 1)
        if case .updated(_, let new) = relist.first { #expect(new.name == "b") } else { Issue.record("expected b updated") }
        #expect(store.objects["ns/a"] == nil)
        // A late MODIFIED of the deleted object is ignored too.
        let r9 = store.apply(.modified(pod("a", uid: "ua", rv: "4")))
        #expect(r9.isEmpty)
        // A new object with the same name (new uid) is welcome.
        let r10 = store.apply(.added(pod("a", uid: "ua2", rv: "5", node: "n2")))
        #expect(r10.count == 1)
        #expect(store.keys(index: "nodeName", value: "n2") == ["ns/a", "ns/b"])
        #expect(store.keys(index: "nodeName", value: "n1").isEmpty)
        // A relist without "b": a delete for what vanished.
        let vanished = store.replace(with: [pod("a", uid: "ua2", rv: "5", node: "n2")])
        #expect(vanished.count == 1)
        if case .deleted(let gone) = vanished.first { #expect(gone.name == "b") } else { Issue.record("expected b deleted") }
        // Same resourceVersion again: no event.
        let r11 = store.apply(.modified(pod("a", uid: "ua2", rv: "5", node: "n2")))
        #expect(r11.isEmpty)
        // A renamed incarnation seen only through a relist: delete old, add new.
        let swapped = store.replace(with: [pod("a", uid: "ua3", rv: "9")])
        #expect(swapped.count == 2)
    }

    @Test func watchLinesSplitAcrossChunks() throws {
        var splitter = WatchLineSplitter()
        let r12 = try splitter.append(Data("{\"a\":1}\n{\"b\"".utf8))
        #expect(r12 == [Data("{\"a\":1}".utf8)])
        let r13 = try splitter.append(Data(":2}\n\n{\"c\":3}\n".utf8))
        #expect(r13 == [Data("{\"b\":2}".utf8), Data("{\"c\":3}".utf8)])
        let r14 = try splitter.append(Data("{\"d\":4}".utf8))
        #expect(r14.isEmpty)
        let r15 = splitter.finish()
        #expect(r15 == Data("{\"d\":4}".utf8))
        var small = WatchLineSplitter(maximumLineLength: 4)
        #expect(throws: KubeError.self) { try small.append(Data("123456".utf8)) }
    }

    @Test func watchEventsDecodeAndErrorsBecomeTypedErrors() throws {
        let added = try WatchEvent<Lease>.fromWire(line: JSONValue(data: Data(#"{"type":"ADDED","object":{"metadata":{"name":"l","resourceVersion":"7"}}}"#.utf8)))
        #expect(added.resourceVersion == "7")
        let bookmark = try WatchEvent<Lease>.fromWire(line: JSONValue(data: Data(#"{"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"9"}}}"#.utf8)))
        #expect(bookmark.resourceVersion == "9")
        #expect { try WatchEvent<Lease>.fromWire(line: JSONValue(data: Data(#"{"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired","message":"too old"}}"#.utf8))) }
            throws: { ($0 as? KubeError)?.isGone == true }
    }

    @Test func watchStateMachineResumesBacksOffAndExpires() {
        let backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(1))
        var state = WatchStreamState(resourceVersion: "10")
        state.connected()
        state.received(resourceVersion: "12")
        state.received(resourceVersion: nil)
        #expect(state == .streaming(resourceVersion: "12"))
        // Clean end (server timeout): reconnect at once from the last version.
        let r17 = state.ended(error: nil, backoff: backoff, maxAttempts: 3)
        #expect(r17 == .connect(resourceVersion: "12"))
        // Connection broken: back off, then reconnect from the same version.
        state.connected()
        let r18 = state.ended(error: KubeTransportError.connectionLost("reset"), backoff: backoff, maxAttempts: 3, unit: 1)
        #expect(r18 == .wait(.milliseconds(100)))
        let r19 = state.backoffElapsed()
        #expect(r19 == .connect(resourceVersion: "12"))
        let r20 = state.ended(error: KubeError.server(Status(code: 503)), backoff: backoff, maxAttempts: 3, unit: 1)
        #expect(r20 == .wait(.milliseconds(200)))
        _ = state.backoffElapsed()
        let r21 = state.ended(error: KubeError.server(Status(code: 503)), backoff: backoff, maxAttempts: 3, unit: 1)
        #expect(r21 == .fail, "attempts exhausted")
        var expired = WatchStreamState(resourceVersion: "1")
        let r22 = expired.ended(error: KubeError.gone(Status(code: 410)), backoff: backoff, maxAttempts: 3)
        #expect(r22 == .relist)
        #expect(expired == .expired)
        var forbidden = WatchStreamState(resourceVersion: "1")
        let r23 = forbidden.ended(error: KubeError.forbidden(Status(code: 403)), backoff: backoff, maxAttempts: 3)
        #expect(r23 == .fail)
    }

    @Test func leaderStateTakesExpiredLeasesAndStepsDown() {
        var state = LeaderElectionState(identity: "me", leaseDuration: .seconds(15), renewDeadline: .seconds(10))
        let held = LeaseSpec(holderIdentity: "other", leaseDurationSeconds: 15, renewTime: Date(timeIntervalSince1970: 100))
        let r24 = state.mayAcquire(held, now: .seconds(1))
        #expect(!r24)
        let r25 = state.mayAcquire(held, now: .seconds(15))
        #expect(!r25, "measured from when this candidate first saw the record")
        let r26 = state.mayAcquire(held, now: .seconds(16))
        #expect(r26)
        // The holder renewed meanwhile: the clock restarts.
        let renewed = LeaseSpec(holderIdentity: "other", leaseDurationSeconds: 15, renewTime: Date(timeIntervalSince1970: 110))
        let r27 = state.mayAcquire(renewed, now: .seconds(17))
        #expect(!r27)
        let r28 = state.mayAcquire(LeaseSpec(holderIdentity: nil), now: .seconds(17))
        #expect(r28, "released")
        let r29 = state.renewed(now: .seconds(17))
        #expect(r29)
        let r30 = state.renewed(now: .seconds(18))
        #expect(!r30, "a renewal is not a new term")
        let r31 = state.failed(now: .seconds(20), heldBy: nil)
        #expect(r31 == nil, "within the renew deadline")
        let r32 = state.failed(now: .seconds(28), heldBy: nil)
        #expect(r32 != nil, "past it: step down")
        #expect(!state.isLeader)
        _ = state.renewed(now: .seconds(30))
        let r33 = state.failed(now: .seconds(31), heldBy: "thief")
        #expect(r33 == "lease taken by thief")
        _ = state.renewed(now: .seconds(32))
        let r34 = state.cancel()
        #expect(r34)
        #expect(state.phase == .released)
    }
}
