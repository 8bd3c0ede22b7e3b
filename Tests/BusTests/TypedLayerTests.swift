import Bus
import Contracts
import Harness
import Testing

@Suite("typed protobuf layer against a real nats-server", .serialized)
struct TypedLayerTests {
    static func alert(_ reason: String) -> Podguard_V1_Alert {
        var alert = Podguard_V1_Alert()
        alert.alertID = "alert-\(reason)"
        alert.reason = reason
        alert.nodeName = "worker-1"
        alert.labels = ["family": "powerflex"]
        return alert
    }

    @Test("a malformed payload on a typed subscription is counted and skipped; the next message arrives")
    func malformedPayloadIsCounted() async throws {
        let bed = try await BusTestBed.start(jetStream: false)
        defer { bed.stop() }
        let connection = try await bed.connect()
        let alerts = try connection.subscribe(to: "podguard.v1.alert.>", as: Podguard_V1_Alert.self)
        try await connection.flush()
        try connection.publish(Self.alert("FenceDone"), to: "podguard.v1.alert.info.FenceDone")
        // Field 1 as a length-delimited field claiming 200 bytes that are not there.
        try connection.publish([0x0A, 0xC8, 0x01, 0x01], to: "podguard.v1.alert.info.garbage")
        try connection.publish([UInt8](text: "{\"json\": \"is not protobuf\"}"), to: "podguard.v1.alert.info.json")
        try connection.publish(Self.alert("NodeTainted"), to: "podguard.v1.alert.warning.NodeTainted")
        let received = try await collect(alerts, count: 2, timeout: .seconds(2))
        #expect(received.map(\.payload.reason) == ["FenceDone", "NodeTainted"])
        #expect(received.first?.payload == Self.alert("FenceDone"))
        #expect(received.last?.subject == "podguard.v1.alert.warning.NodeTainted")
        #expect(alerts.undecodableCount == 2)
        await connection.close()
    }

    @Test("typed request/reply; an undecodable reply is a typed error")
    func typedRequestReply() async throws {
        let bed = try await BusTestBed.start(jetStream: false)
        defer { bed.stop() }
        let client = try await bed.connect(name: "client")
        let adapter = try await bed.connect(name: "adapter")
        let requests = try adapter.subscribe(to: "podguard.v1.adapter.powerflex.controller.probe",
                                             as: Podguard_V1_ProbeRequest.self, queue: "adapters")
        let broken = try adapter.subscribe(to: "broken")
        try await adapter.flush()
        let responder = Task {
            for await request in requests {
                var reply = Podguard_V1_ProbeReply()
                reply.ready = true
                if let replyTo = request.replyTo { try adapter.reply(to: replyTo, with: reply) }
            }
        }
        let brokenResponder = Task {
            for await request in broken {
                if let replyTo = request.replyTo { try adapter.publish([0xFF, 0xFF], to: replyTo) }
            }
        }
        let reply = try await client.request(Podguard_V1_ProbeRequest(), to: "podguard.v1.adapter.powerflex.controller.probe",
                                             expecting: Podguard_V1_ProbeReply.self)
        #expect(reply.ready)
        await #expect {
            try await client.request(Podguard_V1_ProbeRequest(), to: "broken", expecting: Podguard_V1_ProbeReply.self)
        } throws: { error in
            guard case BusError.undecodable(let subject, let type, _) = error else { return false }
            return subject == "broken" && type == "podguard.v1.ProbeReply"
        }
        responder.cancel()
        brokenResponder.cancel()
        await client.close()
        await adapter.close()
    }

    @Test("typed KeyValue values and JetStream messages round-trip; a poison JetStream message decodes to an error")
    func typedJetStreamAndKeyValue() async throws {
        let bed = try await BusTestBed.start()
        defer { bed.stop() }
        let connection = try await bed.connect()
        let js = try connection.jetStream()
        let kv = try await js.keyValue(KeyValueConfiguration(bucket: "fence-records"))
        var record = Podguard_V1_FenceRecord()
        record.fenceID = "fence-1"
        let revision = try await kv.create("pod-uid-1", message: record)
        let stored = try #require(try await kv.get("pod-uid-1", as: Podguard_V1_FenceRecord.self))
        #expect(stored.value == record)
        #expect(stored.revision == revision)

        try await js.createOrUpdateStream(StreamConfiguration(name: "ALERTS", subjects: ["podguard.v1.alert.>"]))
        try await js.createOrUpdateConsumer(stream: "ALERTS", ConsumerConfiguration(durableName: "sink", filterSubject: "podguard.v1.alert.>"))
        try await js.publish(Self.alert("FenceDone"), to: "podguard.v1.alert.info.FenceDone", messageID: "a-1")
        try await js.publish([0x0A, 0xC8, 0x01], to: "podguard.v1.alert.info.poison")
        let consumer = try await js.pullConsumer(stream: "ALERTS", durableName: "sink", filterSubject: "podguard.v1.alert.>")
        let messages = try await consumer.fetch(batch: 2, timeout: .seconds(2))
        #expect(messages.count == 2)
        #expect(try messages[0].decode(as: Podguard_V1_Alert.self).reason == "FenceDone")
        #expect(throws: BusError.self) { try messages[1].decode(as: Podguard_V1_Alert.self) }
        try messages[0].ack()
        try messages[1].term()
        await connection.close()
    }
}
