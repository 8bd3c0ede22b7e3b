import Bus
import Harness
import Logging
import Testing

/// Buckets read from their leader (`KeyValueConfiguration.readsFromLeader`): what podguard's
/// topology asks for every bucket, since fencing reads the FenceRecord decision wrote just before.
@Suite("KeyValue reads from the leader", .serialized)
struct KeyValueLeaderReadTests {
    @Test("a bucket made with leader reads has direct gets off; an existing one with direct gets is switched")
    func directGetsAreTurnedOff() async throws {
        let bed = try await BusTestBed.start()
        defer { bed.stop() }
        let connection = try await bed.connect()
        let jetStream = try connection.jetStream()
        _ = try await jetStream.keyValue(KeyValueConfiguration(bucket: "leader-read", readsFromLeader: true))
        #expect(try await jetStream.streamInfo("KV_leader-read").allowsDirectGet == false)

        // nats.c's own default: direct gets on. Asked again with leader reads, the bucket keeps its
        // values and turns them off.
        let direct = try await jetStream.keyValue(KeyValueConfiguration(bucket: "was-direct"))
        #expect(try await jetStream.streamInfo("KV_was-direct").allowsDirectGet)
        try await direct.put("k", value: Array("v".utf8))
        let switched = try await jetStream.keyValue(KeyValueConfiguration(bucket: "was-direct", readsFromLeader: true))
        #expect(try await jetStream.streamInfo("KV_was-direct").allowsDirectGet == false)
        #expect(try await switched.get("k")?.value == Array("v".utf8))
        // Asking again changes nothing.
        #expect(try await jetStream.disableDirectGet(stream: "KV_was-direct") == false)
        await connection.close()
    }

    @Test("on a three-server cluster, every read through another server sees the write just acknowledged")
    func readsAfterWritesOnACluster() async throws {
        let cluster = try await NATSCluster.start(size: 3, name: "leader-read")
        defer { cluster.stop() }
        var logger = Logger(label: "test.leader-read")
        logger.logLevel = .warning
        func connect(_ index: Int) async throws -> BusConnection {
            let connection = try await BusConnection.connect(BusOptions(servers: [cluster.urls[index]], name: "c\(index)"), logger: logger)
            try await connection.waitUntilConnected(timeout: .seconds(10))
            return connection
        }
        let writer = try await connect(0)
        let reader = try await connect(2)
        let configuration = KeyValueConfiguration(bucket: "records", replicas: 3, readsFromLeader: true)
        var written: KeyValueStore?
        // The cluster answers JetStream only once it has a meta leader.
        let deadline = ContinuousClock.now + .seconds(30)
        while written == nil, ContinuousClock.now < deadline {
            written = try? await writer.jetStream().keyValue(configuration)
            if written == nil { try await Task.sleep(for: .milliseconds(300)) }
        }
        let writes = try #require(written)
        let reads = try await reader.jetStream().bindKeyValue(bucket: "records")
        #expect(try await reader.jetStream().streamInfo("KV_records").allowsDirectGet == false)
        for round in 0..<200 {
            let value = Array("round-\(round)".utf8)
            try await writes.put("fence", value: value)
            #expect(try await reads.get("fence")?.value == value, "round \(round) read an older value")
        }
        await writer.close()
        await reader.close()
    }
}
