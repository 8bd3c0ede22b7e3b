import Bus
import BusService
import Contracts
import Foundation
import Harness
import Logging
import Testing

/// `KeyValueMirror` against a real nats-server: what it holds, what it drops, and that a revision
/// never goes back.
@Suite("KeyValueMirror")
struct KeyValueMirrorTests {
    static func node(_ name: String, ready: Bool = true) -> Podguard_V1_NodeState {
        var node = Podguard_V1_NodeState()
        node.name = name
        node.ready = ready ? .true : .false
        return node
    }

    @Test("holds the retained values, drops refused and deleted ones, catches up, never goes back a revision")
    func mirror() async throws {
        let server = try await NATSServerProcess.start(jetStream: true)
        defer { server.stop() }
        var logger = Logger(label: "test.mirror")
        logger.logLevel = .warning
        let connection = try await BusConnection.connect(BusOptions(servers: [server.url], name: "mirror"), logger: logger)
        try await connection.waitUntilConnected(timeout: .seconds(5))
        let bucket = try await connection.jetStream().keyValue(KeyValueConfiguration(bucket: "mirror-test"))
        let before = Date().addingTimeInterval(-1)
        _ = try await bucket.put("a", message: Self.node("a"))
        _ = try await bucket.put("b", message: Self.node("b", ready: false))

        // Only Ready nodes are this process's share.
        let mirror = KeyValueMirror(bucket, as: Podguard_V1_NodeState.self) { _, node in node.ready == .true }
        let following = Task { await mirror.follow(logger: logger) }
        defer { following.cancel() }
        try await Self.eventually { mirror.isCaughtUp }
        #expect(mirror.snapshot().keys.sorted() == ["a"])
        let a = try #require(mirror["a"])
        #expect(a.storedAt >= before && a.storedAt <= Date().addingTimeInterval(1))

        _ = try await bucket.put("b", message: Self.node("b"))
        try await Self.eventually { mirror["b"] != nil }
        _ = try await bucket.put("a", message: Self.node("a", ready: false))
        try await Self.eventually { mirror["a"] == nil }
        try await bucket.delete("b")
        try await Self.eventually { mirror["b"] == nil }

        // A writer's own result is taken in; an older revision delivered late does not replace it.
        let revision = try await bucket.put("c", message: Self.node("c"))
        mirror.record(.init(key: "c", value: Self.node("c-newer"), revision: revision + 100, storedAt: Date()))
        try await Task.sleep(for: .milliseconds(300))
        #expect(mirror["c"]?.value.name == "c-newer")
    }

    static func eventually(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !condition() {
            guard ContinuousClock.now < deadline else { throw TimedOut() }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

struct TimedOut: Error {}
