import Bus
import Contracts
import Logging

/// Creates (or updates) podguard's streams, durable consumers and KeyValue buckets from the
/// contract's `BusTopology`. Idempotent: every service that needs them may run it at start.
public enum TopologyInstaller {
    public static func ensure(_ topology: BusTopology, on jetStream: JetStream, logger: Logger) async throws {
        for stream in topology.streams {
            let info = try await jetStream.createOrUpdateStream(streamConfiguration(stream))
            logger.info("stream ready", metadata: ["stream": "\(stream.name)", "subjects": "\(stream.subjects)", "messages": "\(info.messages)"])
        }
        // A consumer belongs to the service that pulls from it (fencing sets its own ack wait): every
        // other service creates it when absent but never overrides the settings it runs with.
        for consumer in topology.consumers {
            try await jetStream.createOrUpdateConsumer(stream: consumer.stream, consumerConfiguration(consumer), updateExisting: false)
            logger.info("consumer ready", metadata: ["stream": "\(consumer.stream)", "consumer": "\(consumer.durableName)"])
        }
        for bucket in topology.buckets {
            _ = try await jetStream.keyValue(bucket)
            logger.info("bucket ready", metadata: ["bucket": "\(bucket.name)", "values": "\(bucket.valueMessageName)"])
        }
    }

    /// Waits until every stream and bucket exists (an administrator installs them: `podguard-bus
    /// install`), logging what is missing every 10 s. Binds only: never creates or changes.
    public static func waitUntilInstalled(_ topology: BusTopology, on jetStream: JetStream, logger: Logger,
                                          every interval: Duration = .seconds(1)) async throws {
        let names = topology.allStreamNames
        var lastLog = ContinuousClock.now - .seconds(60)
        while true {
            var missing: [String] = []
            for name in names {
                do {
                    _ = try await jetStream.streamInfo(name)
                } catch {
                    // Absent, or not visible to this user: either way not usable yet; the log says which.
                    missing.append("\(name) (\(error))")
                }
            }
            if missing.isEmpty {
                logger.info("bus topology present", metadata: ["streams": "\(names.count)"])
                return
            }
            if ContinuousClock.now - lastLog >= .seconds(10) {
                lastLog = .now
                logger.warning("waiting for the bus topology: an administrator installs it (podguard-bus install)",
                               metadata: ["missing": "\(missing.joined(separator: "; "))"])
            }
            try await Task.sleep(for: interval)
        }
    }

    public static func streamConfiguration(_ spec: StreamSpec) -> StreamConfiguration {
        let retention: StreamConfiguration.Retention
        switch spec.retention {
        case .limits: retention = .limits
        case .workQueue: retention = .workQueue
        case .interest: retention = .interest
        }
        return StreamConfiguration(
            name: spec.name, subjects: spec.subjects, retention: retention, storage: storage(spec.storage),
            maxAge: spec.maxAge, duplicateWindow: spec.duplicateWindow, replicas: spec.replicas, description: spec.summary)
    }

    public static func consumerConfiguration(_ spec: ConsumerSpec) -> ConsumerConfiguration {
        ConsumerConfiguration(
            durableName: spec.durableName, filterSubject: spec.filterSubject, ackWait: spec.ackWait,
            maxDeliver: spec.maxDeliver < 0 ? nil : spec.maxDeliver, maxAckPending: spec.maxAckPending,
            description: spec.summary)
    }

    /// Every podguard bucket is read from its leader: a service that reads a record right after
    /// another wrote it (fencing reading the FenceRecord decision wrote before queueing its work)
    /// must see that write, which a follower answering a direct get may not have yet.
    public static func keyValueConfiguration(_ spec: KeyValueBucketSpec) -> KeyValueConfiguration {
        KeyValueConfiguration(bucket: spec.name, description: spec.summary, history: spec.history, ttl: spec.ttl,
                              storage: storage(spec.storage), replicas: spec.replicas, readsFromLeader: true)
    }

    private static func storage(_ kind: StorageKind) -> StreamConfiguration.Storage {
        kind == .file ? .file : .memory
    }
}

extension JetStream {
    /// Binds to (or creates) one of podguard's buckets.
    public func keyValue(_ spec: KeyValueBucketSpec) async throws -> KeyValueStore {
        try await keyValue(TopologyInstaller.keyValueConfiguration(spec))
    }
}
