import Bus
import Harness
import Testing

@Suite("JetStream against a real nats-server", .serialized)
struct JetStreamTests {
    static let work = StreamConfiguration(name: "WORK", subjects: ["work.>"], retention: .workQueue,
                                          duplicateWindow: .seconds(60))

    @Test("stream settings can be created and updated; info reports the state")
    func streamLifecycle() async throws {
        let bed = try await BusTestBed.start()
        defer { bed.stop() }
        let connection = try await bed.connect()
        let js = try connection.jetStream()
        var configuration = StreamConfiguration(name: "EVENTS", subjects: ["events.>"], maxAge: .seconds(3600))
        let created = try await js.createOrUpdateStream(configuration)
        #expect(created.name == "EVENTS")
        #expect(created.messages == 0)
        try await js.publish([UInt8](text: "x"), to: "events.a")
        configuration.maxMessages = 10
        let updated = try await js.createOrUpdateStream(configuration)
        #expect(updated.messages == 1)
        await #expect(throws: BusError.self) {
            try await js.createOrUpdateStream(StreamConfiguration(name: "EVENTS", subjects: ["events.>"], retention: .workQueue))
        }
        await connection.close()
    }

    @Test("a message fetched by a consumer that dies without acknowledging is redelivered to another")
    func redeliveryAfterConsumerDies() async throws {
        let bed = try await BusTestBed.start()
        defer { bed.stop() }
        let admin = try await bed.connect(name: "admin")
        let js = try admin.jetStream()
        try await js.createOrUpdateStream(Self.work)
        try await js.createOrUpdateConsumer(stream: "WORK", ConsumerConfiguration(
            durableName: "workers", filterSubject: "work.>", ackWait: .milliseconds(600)))
        let ack = try await js.publish([UInt8](text: "job-1"), to: "work.jobs", messageID: "job-1")
        #expect(ack.stream == "WORK")
        #expect(ack.sequence == 1)

        // The first worker takes the job and dies before acknowledging it.
        let doomed = try await bed.connect(name: "doomed")
        let doomedConsumer = try await doomed.jetStream().pullConsumer(stream: "WORK", durableName: "workers", filterSubject: "work.>")
        let taken = try await doomedConsumer.fetch(batch: 1, timeout: .seconds(2))
        #expect(taken.map(\.payload.text) == ["job-1"])
        #expect(taken.first?.metadata.deliveryCount == 1)
        await doomed.close()

        let survivor = try await bed.connect(name: "survivor")
        let consumer = try await survivor.jetStream().pullConsumer(stream: "WORK", durableName: "workers", filterSubject: "work.>")
        var redelivered: [JetStreamMessage] = []
        for _ in 0..<10 where redelivered.isEmpty {
            redelivered = try await consumer.fetch(batch: 1, timeout: .milliseconds(500))
        }
        let message = try #require(redelivered.first)
        #expect(message.payload.text == "job-1")
        #expect(message.metadata.deliveryCount == 2)
        #expect(message.metadata.streamSequence == 1)
        try await message.ackSync()
        #expect(message.acknowledgement == .acked)
        #expect(throws: BusError.self) { try message.ack() }
        // Acknowledged work leaves the work queue.
        #expect(try await js.streamInfo("WORK").messages == 0)
        await survivor.close()
        await admin.close()
    }

    @Test("nak with delay redelivers later; in-progress holds; term never redelivers; max deliveries is honoured")
    func acknowledgementKinds() async throws {
        let bed = try await BusTestBed.start()
        defer { bed.stop() }
        let connection = try await bed.connect()
        let js = try connection.jetStream()
        try await js.createOrUpdateStream(Self.work)
        try await js.createOrUpdateConsumer(stream: "WORK", ConsumerConfiguration(
            durableName: "w", filterSubject: "work.>", ackWait: .milliseconds(500), maxDeliver: 2))
        let consumer = try await js.pullConsumer(stream: "WORK", durableName: "w", filterSubject: "work.>")

        try await js.publish([UInt8](text: "later"), to: "work.a")
        let first = try #require(try await consumer.fetch(batch: 1, timeout: .seconds(1)).first)
        try first.nak(delay: .milliseconds(700))
        #expect(try await consumer.fetch(batch: 1, timeout: .milliseconds(300)).isEmpty)
        // The redelivery comes after the 700 ms delay; a loaded machine may take longer to deliver it.
        var redelivered: JetStreamMessage?
        for _ in 0..<5 where redelivered == nil { redelivered = try await consumer.fetch(batch: 1, timeout: .seconds(2)).first }
        let again = try #require(redelivered)
        #expect(again.payload.text == "later")
        #expect(again.metadata.deliveryCount == 2)
        // Second delivery was the last one allowed: a nak now drops it for good.
        try again.nak()
        #expect(try await consumer.fetch(batch: 1, timeout: .milliseconds(400)).isEmpty)

        try await js.publish([UInt8](text: "slow job"), to: "work.b")
        let slow = try #require(try await consumer.fetch(batch: 1, timeout: .seconds(1)).first)
        for _ in 0..<7 {
            try await Task.sleep(for: .milliseconds(150))
            try slow.inProgress()
        }
        // A second of work, twice the ack wait, and no redelivery happened meanwhile.
        try slow.ack()

        try await js.publish([UInt8](text: "poison"), to: "work.c")
        let poison = try #require(try await consumer.fetch(batch: 1, timeout: .seconds(1)).first)
        try poison.term()
        #expect(poison.acknowledgement == .terminated)
        #expect(try await consumer.fetch(batch: 1, timeout: .milliseconds(800)).isEmpty)
        await connection.close()
    }

    @Test("the last message of a subject is read directly; none is nil")
    func lastMessageOfASubject() async throws {
        let bed = try await BusTestBed.start()
        defer { bed.stop() }
        let connection = try await bed.connect()
        let js = try connection.jetStream()
        try await js.createOrUpdateStream(StreamConfiguration(name: "EVENTS", subjects: ["events.>"]))
        #expect(try await js.lastMessagePayload(stream: "EVENTS", subject: "events.a") == nil)
        try await js.publish([UInt8](text: "1"), to: "events.a")
        try await js.publish([UInt8](text: "2"), to: "events.a")
        try await js.publish([UInt8](text: "3"), to: "events.b")
        #expect(try await js.lastMessagePayload(stream: "EVENTS", subject: "events.a")?.text == "2")
        #expect(try await js.lastMessagePayload(stream: "EVENTS", subject: "events.b")?.text == "3")
        await connection.close()
    }

    @Test("publishing twice with one message id stores the message once")
    func deduplication() async throws {
        let bed = try await BusTestBed.start()
        defer { bed.stop() }
        let connection = try await bed.connect()
        let js = try connection.jetStream()
        try await js.createOrUpdateStream(Self.work)
        let first = try await js.publish([UInt8](text: "fence node-1"), to: "work.fence", messageID: "fence/node-1/1")
        let retry = try await js.publish([UInt8](text: "fence node-1"), to: "work.fence", messageID: "fence/node-1/1")
        #expect(!first.duplicate)
        #expect(retry.duplicate)
        #expect(retry.sequence == first.sequence)
        #expect(try await js.streamInfo("WORK").messages == 1)
        await #expect(throws: BusError.noResponders(subject: "nostream.x")) {
            try await js.publish([], to: "nostream.x", timeout: .seconds(1))
        }
        await connection.close()
    }

    @Test("no message acknowledged by the server is lost when the server restarts")
    func nothingAckedIsLostAcrossRestart() async throws {
        let bed = try await BusTestBed.start()
        defer { bed.stop() }
        let fast = ReconnectPolicy(initialDelay: .milliseconds(20), maxDelay: .milliseconds(200))
        let publisher = try await bed.connect(name: "publisher", reconnect: fast)
        let js = try publisher.jetStream(apiTimeout: .seconds(1))
        try await js.createOrUpdateStream(Self.work)
        try await js.createOrUpdateConsumer(stream: "WORK", ConsumerConfiguration(durableName: "all", filterSubject: "work.>"))

        let total = 200
        let restart = Task {
            try await Task.sleep(for: .milliseconds(100))
            try await bed.server.restart(downtime: .milliseconds(300))
        }
        var acked = 0
        for index in 0..<total {
            // Retry with the same id until the server acknowledges: at-least-once publish, and
            // de-duplication makes it exactly-once in the stream.
            while true {
                do {
                    try await js.publish([UInt8](text: "\(index)"), to: "work.items", messageID: "item-\(index)", timeout: .milliseconds(500))
                    acked += 1
                    break
                } catch {
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            if index % 20 == 0 { try await Task.sleep(for: .milliseconds(20)) }
        }
        try await restart.value
        #expect(acked == total)

        let reader = try await bed.connect(name: "reader")
        let consumer = try await reader.jetStream().pullConsumer(stream: "WORK", durableName: "all", filterSubject: "work.>")
        var seen: [String] = []
        while seen.count < total {
            let batch = try await consumer.fetch(batch: 100, timeout: .seconds(2))
            if batch.isEmpty { break }
            for message in batch {
                seen.append(message.payload.text)
                try message.ack()
            }
        }
        #expect(seen.count == total)
        #expect(Set(seen) == Set((0..<total).map(String.init)))
        await reader.close()
        await publisher.close()
    }
}
