import Bus
import Contracts
import Harness
import Logging
import Testing

@Suite("KeyValue against a real nats-server", .serialized)
struct KeyValueTests {
    @Test("get, put, create-if-absent, update-if-revision, delete, keys")
    func basicOperations() async throws {
        let bed = try await BusTestBed.start()
        defer { bed.stop() }
        let connection = try await bed.connect()
        let kv = try await connection.jetStream().keyValue(KeyValueConfiguration(bucket: "nodes", history: 5))
        #expect(try await kv.get("node-1") == nil)
        let created = try await kv.create("node-1", value: [UInt8](text: "ready"))
        await #expect(throws: BusError.keyExists(key: "node-1")) {
            try await kv.create("node-1", value: [UInt8](text: "again"))
        }
        let updated = try await kv.update("node-1", value: [UInt8](text: "tainted"), expectedRevision: created)
        #expect(updated > created)
        await #expect(throws: BusError.wrongLastRevision(key: "node-1", expected: created)) {
            try await kv.update("node-1", value: [UInt8](text: "stale"), expectedRevision: created)
        }
        let entry = try #require(try await kv.get("node-1"))
        #expect(entry.value.text == "tainted")
        #expect(entry.revision == updated)
        #expect(entry.operation == .put)
        try await kv.put("node-2", value: [UInt8](text: "ready"))
        #expect(Set(try await kv.keys()) == ["node-1", "node-2"])
        try await kv.delete("node-1")
        #expect(try await kv.get("node-1") == nil)
        #expect(try await kv.keys() == ["node-2"])
        // A deleted key can be created again.
        try await kv.create("node-1", value: [UInt8](text: "back"))
        #expect(try await kv.get("node-1")?.value.text == "back")
        await connection.close()
    }

    @Test("two clients racing a compare-and-set on one revision: exactly one wins, every round")
    func compareAndSetRace() async throws {
        let bed = try await BusTestBed.start()
        defer { bed.stop() }
        let alice = try await bed.connect(name: "alice")
        let bob = try await bed.connect(name: "bob")
        let kvAlice = try await alice.jetStream().keyValue(KeyValueConfiguration(bucket: "fences"))
        let kvBob = try await bob.jetStream().keyValue(KeyValueConfiguration(bucket: "fences"))
        var revision = try await kvAlice.put("pod-uid-1", value: [UInt8](text: "none"))
        for round in 0..<25 {
            let expected = revision
            async let a = Self.attempt(kvAlice, value: "alice-\(round)", expected: expected)
            async let b = Self.attempt(kvBob, value: "bob-\(round)", expected: expected)
            let results = try await [a, b]
            let winners = results.compactMap { $0 }
            #expect(winners.count == 1, "round \(round): \(results)")
            let stored = try #require(try await kvAlice.get("pod-uid-1"))
            #expect(stored.revision == winners.first)
            revision = stored.revision
        }
        await alice.close()
        await bob.close()
    }

    static func attempt(_ kv: KeyValueStore, value: String, expected: UInt64) async throws -> UInt64? {
        do {
            return try await kv.update("pod-uid-1", value: [UInt8](text: value), expectedRevision: expected)
        } catch BusError.wrongLastRevision {
            return nil
        }
    }

    @Test("watch delivers current values, then caught-up, then live puts and deletes")
    func watch() async throws {
        let bed = try await BusTestBed.start()
        defer { bed.stop() }
        let connection = try await bed.connect()
        let writer = try await bed.connect(name: "writer")
        let kv = try await connection.jetStream().keyValue(KeyValueConfiguration(bucket: "pods"))
        let kvWriter = try await writer.jetStream().keyValue(KeyValueConfiguration(bucket: "pods"))
        try await kvWriter.put("ns.a", value: [UInt8](text: "1"))
        try await kvWriter.put("ns.b", value: [UInt8](text: "2"))
        try await kvWriter.put("other.c", value: [UInt8](text: "3"))

        let updates = try await kv.watch("ns.>")
        var iterator = updates.makeAsyncIterator()
        var initial: [String: String] = [:]
        while case .entry(let entry)? = try await iterator.next() {
            initial[entry.key] = entry.value.text
        }
        #expect(initial == ["ns.a": "1", "ns.b": "2"])

        try await kvWriter.put("ns.c", value: [UInt8](text: "4"))
        try await kvWriter.put("other.d", value: [UInt8](text: "ignored"))
        try await kvWriter.delete("ns.a")
        guard case .entry(let put)? = try await iterator.next() else { Issue.record("no live put"); return }
        #expect(put.key == "ns.c")
        #expect(put.value.text == "4")
        guard case .entry(let deletion)? = try await iterator.next() else { Issue.record("no live delete"); return }
        #expect(deletion.key == "ns.a")
        #expect(deletion.operation == .delete)
        await writer.close()
        await connection.close()
    }

    @Test("follow mirrors a bucket across a nats-server restart: values, then live puts and deletes again")
    func followAcrossRestart() async throws {
        let bed = try await BusTestBed.start()
        defer { bed.stop() }
        let connection = try await bed.connect()
        let writer = try await bed.connect(name: "writer")
        let configuration = KeyValueConfiguration(bucket: "nodes", storage: .file)
        let kv = try await connection.jetStream().keyValue(configuration)
        let kvWriter = try await writer.jetStream().keyValue(configuration)
        func node(_ name: String) -> Podguard_V1_NodeState {
            var node = Podguard_V1_NodeState()
            node.name = name
            return node
        }
        try await kvWriter.put("a", message: node("a"))
        try await kvWriter.put("b", message: node("b"))

        // Every update in order; the mirror is what they add up to.
        let updates = LockedArray<(key: String, name: String?)>()
        func mirror() -> [String: String] {
            var result: [String: String] = [:]
            for update in updates.snapshot() { result[update.key] = update.name }
            return result
        }
        var logger = Logger(label: "test.follow")
        logger.logLevel = .critical
        let follower = Task {
            await kv.follow(as: Podguard_V1_NodeState.self, logger: logger, restartAfter: .milliseconds(200)) { update in
                switch update {
                case .put(let key, let value, _, _): _ = updates.append((key, value.name))
                case .deleted(let key): _ = updates.append((key, nil))
                case .caughtUp: break
                }
            }
        }
        func mirrored(_ expected: [String: String]) async throws -> Bool {
            for _ in 0..<200 {
                if mirror() == expected { return true }
                try await Task.sleep(for: .milliseconds(50))
            }
            return false
        }
        #expect(try await mirrored(["a": "a", "b": "b"]))

        try await bed.server.restart(downtime: .seconds(2))
        try await writer.flush()
        try await kvWriter.delete("b")
        try await kvWriter.put("c", message: node("c"))
        #expect(try await mirrored(["a": "a", "c": "c"]), "\(mirror())")
        follower.cancel()
        _ = await follower.value
        await writer.close()
        await connection.close()
    }
}
