import Bus
import Harness
import Testing

@Suite("core NATS against a real nats-server", .serialized)
struct CoreMessagingTests {
    @Test("a published message reaches a subscriber with its headers and reply subject")
    func publishSubscribe() async throws {
        let bed = try await BusTestBed.start(jetStream: false)
        defer { bed.stop() }
        let connection = try await bed.connect()
        let subscription = try connection.subscribe(to: "demo.>")
        try await connection.flush()
        try connection.publish([UInt8](text: "one"), to: "demo.a")
        try connection.publish([UInt8](text: "two"), to: "demo.b.c", replyTo: "back.here", headers: ["X-Kind": "test"])
        try connection.publish([UInt8](text: "not for us"), to: "other.a")
        var iterator = subscription.makeAsyncIterator()
        let first = try #require(await iterator.next())
        let second = try #require(await iterator.next())
        #expect(first.subject == "demo.a")
        #expect(first.payload.text == "one")
        #expect(first.replyTo == nil)
        #expect(second.subject == "demo.b.c")
        #expect(second.replyTo == "back.here")
        #expect(second.headers["X-Kind"] == "test")
        await connection.close()
    }

    @Test("members of a queue group share the messages; each message goes to exactly one")
    func queueGroups() async throws {
        let bed = try await BusTestBed.start(jetStream: false)
        defer { bed.stop() }
        let publisher = try await bed.connect(name: "publisher")
        let workerA = try await bed.connect(name: "a")
        let workerB = try await bed.connect(name: "b")
        let subA = try workerA.subscribe(to: "work.*", queue: "workers")
        let subB = try workerB.subscribe(to: "work.*", queue: "workers")
        try await workerA.flush()
        try await workerB.flush()
        let total = 200
        for index in 0..<total { try publisher.publish([UInt8](text: "\(index)"), to: "work.item") }
        try await publisher.flush()
        async let fromA = collect(subA, count: total, timeout: .milliseconds(800))
        async let fromB = collect(subB, count: total, timeout: .milliseconds(800))
        let (a, b) = try await (fromA, fromB)
        #expect(a.count + b.count == total)
        #expect(!a.isEmpty && !b.isEmpty)
        #expect(Set(a.map(\.payload.text)).isDisjoint(with: Set(b.map(\.payload.text))))
        await publisher.close()
        await workerA.close()
        await workerB.close()
    }

    @Test("request/reply: answered, timed out, no responders, cancelled")
    func requestReply() async throws {
        let bed = try await BusTestBed.start(jetStream: false)
        defer { bed.stop() }
        let client = try await bed.connect(name: "client")
        let server = try await bed.connect(name: "server")
        let echo = try server.subscribe(to: "echo")
        let silent = try server.subscribe(to: "silent")
        try await server.flush()
        let responder = Task {
            for await request in echo {
                guard let reply = request.replyTo else { continue }
                try server.publish(request.payload + [UInt8](text: "!"), to: reply)
            }
        }
        let reply = try await client.request([UInt8](text: "hi"), to: "echo", timeout: .seconds(2))
        #expect(reply.payload.text == "hi!")

        await #expect(throws: BusError.timeout(subject: "silent", after: .milliseconds(200))) {
            try await client.request([UInt8](text: "anyone?"), to: "silent", timeout: .milliseconds(200))
        }
        await #expect(throws: BusError.noResponders(subject: "nobody.listens")) {
            try await client.request([], to: "nobody.listens", timeout: .seconds(2))
        }
        let cancelled = Task { try await client.request([], to: "silent", timeout: .seconds(30)) }
        try await Task.sleep(for: .milliseconds(50))
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }

        // Many concurrent requests share the one inbox subscription and each gets its own answer.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<100 {
                group.addTask {
                    let answer = try await client.request([UInt8](text: "\(index)"), to: "echo", timeout: .seconds(5))
                    #expect(answer.payload.text == "\(index)!")
                }
            }
            try await group.waitForAll()
        }
        responder.cancel()
        _ = silent
        await client.close()
        await server.close()
    }

    @Test("a consumer slower than the publisher: the overflow is dropped and counted, not hidden")
    func slowConsumerIsReported() async throws {
        let bed = try await BusTestBed.start(jetStream: false)
        defer { bed.stop() }
        let connection = try await bed.connect(bufferCapacity: 10)
        let subscription = try connection.subscribe(to: "burst")
        try await connection.flush()
        for index in 0..<500 { try connection.publish([UInt8](text: "\(index)"), to: "burst") }
        try await connection.flush()
        // Nothing is consumed until every message has been either buffered or dropped.
        for _ in 0..<500 where subscription.droppedCount < 490 { try await Task.sleep(for: .milliseconds(10)) }
        let received = try await collect(subscription, count: 500, timeout: .milliseconds(300))
        #expect(received.count == 10)
        #expect(received.first?.payload.text == "0")
        #expect(subscription.droppedCount == 490)
        await connection.close()
    }

    @Test("connection states: connected, then reconnecting while the server is down, then connected again")
    func connectionStates() async throws {
        let bed = try await BusTestBed.start(jetStream: false)
        defer { bed.stop() }
        let connection = try await bed.connect(reconnect: ReconnectPolicy(initialDelay: .milliseconds(20), maxDelay: .milliseconds(100)))
        let changes = connection.stateChanges()
        var iterator = changes.makeAsyncIterator()
        #expect(await iterator.next()?.isConnected == true)
        bed.server.stopProcess()
        #expect(await iterator.next() == .reconnecting)
        try await bed.server.restart(downtime: .milliseconds(10))
        #expect(await iterator.next()?.isConnected == true)
        await connection.close()
        #expect(await iterator.next() == .closed)
        #expect(await iterator.next() == nil)
    }
}
