import ArgumentParser
import Bus
import Contracts
import Harness
import Logging
import SwiftProtobuf

/// The bus figures of the "Foundation" issue: typed publish→consume throughput and request/reply
/// latency on loopback, against a real nats-server started for the run.
struct BusBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bus",
        abstract: "Typed publish→consume throughput and request/reply latency over a local nats-server."
    )

    @Option(help: "Messages in the throughput run.")
    var messages: Int = 500_000

    @Option(help: "Sequential requests in the latency run (after a warm-up of 2,000).")
    var requests: Int = 20_000

    func run() async throws {
        var logger = Logger(label: "podguard-bench")
        logger.logLevel = .warning
        let server = try await NATSServerProcess.start(jetStream: false)
        defer { server.stop() }

        let throughput = try await measureThroughput(serverURL: server.url, logger: logger)
        let latency = try await measureRequestLatency(serverURL: server.url, logger: logger)

        var table = FigureTable(title: "podguard bus benchmark (loopback, nats-server on \(server.url))")
        table.add(
            "typed publish→consume throughput",
            value: "\(Format.grouped(Int(throughput.messagesPerSecond))) msg/s",
            target: "≥ 100,000 msg/s",
            met: throughput.messagesPerSecond >= 100_000
        )
        table.add("  messages / payload bytes", value: "\(Format.grouped(messages)) / \(throughput.payloadBytes)")
        table.add("  dropped (slow consumer, reported)", value: "\(throughput.dropped)")
        table.add("request/reply latency p50", value: Format.milliseconds(latency.p50))
        table.add(
            "request/reply latency p99",
            value: Format.milliseconds(latency.p99),
            target: "< 1 ms",
            met: latency.p99 < .milliseconds(1)
        )
        table.add("request/reply latency p99.9", value: Format.milliseconds(latency.p999))
        table.add("  requests", value: Format.grouped(requests))
        print(table.render())
    }

    /// A small typed message, about the size of an Alert header on the wire.
    private func sampleMessage(_ index: Int) -> Podguard_V1_Alert {
        var alert = Podguard_V1_Alert()
        alert.alertID = "bench-\(index)"
        alert.severity = .info
        alert.reason = "Benchmark"
        return alert
    }

    private func measureThroughput(serverURL: String, logger: Logger) async throws -> ThroughputResult {
        let publisher = try await BusConnection.connect(BusOptions(servers: [serverURL], name: "bench-publisher"), logger: logger)
        let consumer = try await BusConnection.connect(BusOptions(servers: [serverURL], name: "bench-consumer"), logger: logger)
        let subject = "bench.throughput"
        // The buffer holds the whole run so the figure measures the pipeline, not drops.
        let subscription = try consumer.subscribe(to: subject, as: Podguard_V1_Alert.self, bufferCapacity: messages)
        try await consumer.flush(timeout: .seconds(5))
        let payloadBytes = try sampleMessage(0).serializedBytes() as [UInt8]

        let total = messages
        let clock = ContinuousClock()
        let start = clock.now
        let received = Task {
            var count = 0
            for await _ in subscription {
                count += 1
                if count == total { break }
            }
            return clock.now
        }
        for index in 0..<total {
            try publisher.publish(sampleMessage(index), to: subject)
        }
        try await publisher.flush(timeout: .seconds(30))
        let end = await received.value
        await publisher.close()
        await consumer.close()
        let seconds = Format.seconds(end - start)
        return ThroughputResult(
            messagesPerSecond: Double(total) / seconds,
            payloadBytes: payloadBytes.count,
            dropped: subscription.droppedCount
        )
    }

    private func measureRequestLatency(serverURL: String, logger: Logger) async throws -> LatencyResult {
        let responder = try await BusConnection.connect(BusOptions(servers: [serverURL], name: "bench-responder"), logger: logger)
        let requester = try await BusConnection.connect(BusOptions(servers: [serverURL], name: "bench-requester"), logger: logger)
        let subject = "bench.echo"
        let subscription = try responder.subscribe(to: subject, as: Podguard_V1_Alert.self)
        let echo = Task {
            for await request in subscription {
                guard let replyTo = request.replyTo else { continue }
                try responder.publish(request.payload, to: replyTo)
            }
        }
        try await responder.flush(timeout: .seconds(5))

        let clock = ContinuousClock()
        let warmUp = 2_000
        var samples: [Duration] = []
        samples.reserveCapacity(requests)
        for index in 0..<(warmUp + requests) {
            let start = clock.now
            _ = try await requester.request(
                sampleMessage(index), to: subject, expecting: Podguard_V1_Alert.self, timeout: .seconds(2)
            )
            if index >= warmUp { samples.append(clock.now - start) }
        }
        echo.cancel()
        await responder.close()
        await requester.close()
        samples.sort()
        return LatencyResult(
            p50: Percentile.of(samples, 0.50),
            p99: Percentile.of(samples, 0.99),
            p999: Percentile.of(samples, 0.999)
        )
    }
}

struct ThroughputResult {
    var messagesPerSecond: Double
    var payloadBytes: Int
    var dropped: Int
}

struct LatencyResult {
    var p50: Duration
    var p99: Duration
    var p999: Duration
}
