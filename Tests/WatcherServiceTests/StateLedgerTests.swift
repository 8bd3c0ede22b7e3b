import Contracts
import SwiftProtobuf
import Testing
import WatcherService

@Suite("state ledger (pure)")
struct StateLedgerTests {
    static func pod(_ name: String, uid: String? = nil, rv: String = "1", observed: Int64 = 0) -> Podguard_V1_PodState {
        var state = Podguard_V1_PodState()
        state.namespace = "db"
        state.name = name
        state.uid = uid ?? "uid-\(name)"
        state.resourceVersion = rv
        state.header.producedAt.seconds = observed
        state.observedAt.seconds = observed
        return state
    }

    @Test("writes only changed content; a new header or observation time alone is no change")
    func onlyChanges() {
        var ledger = StateLedger<Podguard_V1_PodState>()
        #expect(ledger.update("db.a", to: Self.pod("a")) == .put(key: "db.a", Self.pod("a")))
        #expect(ledger.update("db.a", to: Self.pod("a", observed: 99)) == nil)
        #expect(ledger.update("db.a", to: Self.pod("a", rv: "2")) != nil)
    }

    @Test("a deleted uid is never written again; a new incarnation (new uid) is")
    func noResurrection() {
        var ledger = StateLedger<Podguard_V1_PodState>()
        _ = ledger.update("db.a", to: Self.pod("a"))
        #expect(ledger.remove("db.a", uid: nil) == .delete(key: "db.a"))
        #expect(ledger.wasDeleted(uid: "uid-a"))
        #expect(ledger.update("db.a", to: Self.pod("a", rv: "3")) == nil)
        #expect(ledger.remove("db.a", uid: nil) == nil)
        #expect(ledger.update("db.a", to: Self.pod("a", uid: "uid-a2")) != nil)
    }

    @Test("the delete of an old incarnation leaves the new one alone")
    func oldDeleteKeepsNew() {
        var ledger = StateLedger<Podguard_V1_PodState>()
        _ = ledger.update("db.a", to: Self.pod("a", uid: "new"))
        #expect(ledger.remove("db.a", uid: "old") == nil)
        #expect(ledger.written["db.a"]?.uid == "new")
        #expect(ledger.update("db.a", to: Self.pod("a", uid: "old")) == nil)
    }

    @Test("a failed write is retried by the next update")
    func invalidate() {
        var ledger = StateLedger<Podguard_V1_PodState>()
        _ = ledger.update("db.a", to: Self.pod("a"))
        ledger.invalidate("db.a")
        #expect(ledger.update("db.a", to: Self.pod("a")) != nil)
    }

    @Test("reconcile: puts what differs or does not decode, deletes vanished keys, keeps equal content")
    func reconcile() {
        var ledger = StateLedger<Podguard_V1_PodState>()
        let existing: [String: Podguard_V1_PodState?] = [
            "db.same": Self.pod("same", observed: 5),
            "db.stale": Self.pod("stale", rv: "1"),
            "db.garbage": nil,
            "db.gone": Self.pod("gone"),
        ]
        let desired = ["db.same": Self.pod("same", observed: 9), "db.stale": Self.pod("stale", rv: "2"),
                       "db.garbage": Self.pod("garbage"), "db.new": Self.pod("new")]
        let writes = ledger.reconcile(existing: existing, desired: desired)
        #expect(writes == [.put(key: "db.garbage", Self.pod("garbage")), .put(key: "db.new", Self.pod("new")),
                           .put(key: "db.stale", Self.pod("stale", rv: "2")), .delete(key: "db.gone")])
        #expect(Set(ledger.written.keys) == ["db.same", "db.stale", "db.garbage", "db.new"])
        #expect(ledger.reconcile(existing: desired.mapValues { $0 }, desired: desired).isEmpty)
    }

    @Test("reconcile in chunks: the same writes as at once; a failed put is not believed written; deletes come last")
    func reconcileInChunks() {
        var ledger = StateLedger<Podguard_V1_PodState>()
        _ = ledger.update("db.deleted", to: Self.pod("deleted"))
        _ = ledger.remove("db.deleted", uid: nil)
        let existing: [String: Podguard_V1_PodState?] = ["db.a": Self.pod("a"), "db.gone": Self.pod("gone"), "db.c": nil]
        var run = ledger.beginReconcile(existing: existing.mapValues { $0.map { StateLedger<Podguard_V1_PodState>.Entry($0) } })
        let first = ledger.reconcile([(key: "db.a", state: Self.pod("a", observed: 7)), (key: "db.b", state: Self.pod("b"))], in: &run)
        #expect(first == [.put(key: "db.b", Self.pod("b"))])
        ledger.reconcileFailed("db.b", in: &run)
        // A snapshot of a uid whose deletion was observed is not written, in a chunk either.
        let second = ledger.reconcile([(key: "db.c", state: Self.pod("c")), (key: "db.deleted", state: Self.pod("deleted"))], in: &run)
        #expect(second == [.put(key: "db.c", Self.pod("c"))])
        #expect(ledger.finishReconcile(run) == [.delete(key: "db.gone")])
        #expect(Set(ledger.written.keys) == ["db.a", "db.c"])
        // The failed key is written again by the next update.
        #expect(ledger.update("db.b", to: Self.pod("b")) != nil)
    }

    @Test("tombstones are bounded; the oldest are forgotten first")
    func boundedTombstones() {
        var ledger = StateLedger<Podguard_V1_PodState>(maximumTombstones: 3)
        for index in 0..<10 {
            _ = ledger.update("db.p\(index)", to: Self.pod("p\(index)"))
            _ = ledger.remove("db.p\(index)", uid: nil)
        }
        #expect(!ledger.wasDeleted(uid: "uid-p6"))
        #expect((7..<10).allSatisfy { ledger.wasDeleted(uid: "uid-p\($0)") })
    }
}
