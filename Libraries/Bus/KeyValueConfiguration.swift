public import Foundation

/// A KeyValue bucket's settings.
public struct KeyValueConfiguration: Sendable, Equatable {
    public var bucket: String
    public var description: String?
    /// Values kept per key (1 = latest only; at most 64).
    public var history: Int
    /// Values older than this expire; nil = never.
    public var ttl: Duration?
    public var maxValueSize: Int?
    public var maxBytes: Int64?
    public var storage: StreamConfiguration.Storage
    public var replicas: Int
    /// Every get is answered by the bucket's leader, so it sees every acknowledged write (nats.c
    /// otherwise creates buckets with direct gets, which any replica answers, perhaps before it
    /// has the latest write). On a single server both are the same.
    public var readsFromLeader: Bool

    public init(bucket: String, description: String? = nil, history: Int = 1, ttl: Duration? = nil,
                maxValueSize: Int? = nil, maxBytes: Int64? = nil, storage: StreamConfiguration.Storage = .file,
                replicas: Int = 1, readsFromLeader: Bool = false) {
        self.bucket = bucket
        self.description = description
        self.history = history
        self.ttl = ttl
        self.maxValueSize = maxValueSize
        self.maxBytes = maxBytes
        self.storage = storage
        self.replicas = replicas
        self.readsFromLeader = readsFromLeader
    }

    /// The stream that holds the bucket.
    public var streamName: String { "KV_\(bucket)" }
}

/// One value (or deletion) of a key, copied out of nats.c.
public struct KeyValueEntry: Sendable, Equatable {
    public enum Operation: Sendable, Equatable { case put, delete, purge }

    public var bucket: String
    public var key: String
    public var value: [UInt8]
    /// The stream sequence of this value: what `update(_:value:expectedRevision:)` compares against.
    public var revision: UInt64
    public var operation: Operation
    /// When it was stored, nanoseconds since the Unix epoch.
    public var createdNanoseconds: Int64

    /// When the server stored it: the server's clock, one for every reader, whoever produced it.
    public var storedAt: Date { Date(timeIntervalSince1970: Double(createdNanoseconds) / 1_000_000_000) }

    public init(bucket: String, key: String, value: [UInt8], revision: UInt64, operation: Operation, createdNanoseconds: Int64) {
        self.bucket = bucket
        self.key = key
        self.value = value
        self.revision = revision
        self.operation = operation
        self.createdNanoseconds = createdNanoseconds
    }
}
