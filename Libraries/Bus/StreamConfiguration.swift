/// A JetStream stream's settings (the subset podguard needs).
public struct StreamConfiguration: Sendable, Equatable {
    public enum Retention: Sendable, Equatable {
        /// Kept until a limit (age, count, bytes) removes them.
        case limits
        /// Each message is removed once one consumer acknowledges it.
        case workQueue
        /// Kept while some consumer has not acknowledged it.
        case interest
    }

    public enum Storage: Sendable, Equatable { case file, memory }

    /// Which messages go when a limit is reached.
    public enum Discard: Sendable, Equatable { case old, new }

    public var name: String
    public var subjects: [String]
    public var retention: Retention
    public var storage: Storage
    public var discard: Discard
    public var maxAge: Duration?
    public var maxMessages: Int64?
    public var maxBytes: Int64?
    public var maxMessagesPerSubject: Int64?
    /// Publishes with the same `Nats-Msg-Id` inside this window are stored once.
    public var duplicateWindow: Duration
    public var replicas: Int
    public var description: String?

    public init(name: String, subjects: [String], retention: Retention = .limits, storage: Storage = .file,
                discard: Discard = .old, maxAge: Duration? = nil, maxMessages: Int64? = nil, maxBytes: Int64? = nil,
                maxMessagesPerSubject: Int64? = nil, duplicateWindow: Duration = .seconds(120), replicas: Int = 1,
                description: String? = nil) {
        self.name = name
        self.subjects = subjects
        self.retention = retention
        self.storage = storage
        self.discard = discard
        self.maxAge = maxAge
        self.maxMessages = maxMessages
        self.maxBytes = maxBytes
        self.maxMessagesPerSubject = maxMessagesPerSubject
        self.duplicateWindow = duplicateWindow
        self.replicas = replicas
        self.description = description
    }
}

/// A stream's state as the server reports it.
public struct StreamInfo: Sendable, Equatable {
    public var name: String
    public var messages: UInt64
    public var bytes: UInt64
    public var firstSequence: UInt64
    public var lastSequence: UInt64
    public var consumers: Int
    /// Replicas the stream is configured with.
    public var replicas: Int = 1
    /// Whether any replica may answer a get of one message (`allow_direct`): faster, but a
    /// replica may not have the latest write yet.
    public var allowsDirectGet = false
    /// On a cluster: the leader's server name, and the servers holding a replica that is current
    /// (the leader included); nil on a single server.
    public var cluster: ClusterReplicas?

    public struct ClusterReplicas: Sendable, Equatable {
        public var leader: String
        public var current: [String]
    }
}

/// A durable pull consumer's settings.
public struct ConsumerConfiguration: Sendable, Equatable {
    public enum DeliverPolicy: Sendable, Equatable { case all, new, last }

    /// Shared by every replica of the consuming service, which is how they share the work.
    public var durableName: String
    public var filterSubject: String
    public var deliverPolicy: DeliverPolicy
    /// Unacknowledged messages are redelivered after this (a worker extends it with `inProgress()`).
    public var ackWait: Duration
    /// Deliveries before the server gives up on a message; nil = never.
    public var maxDeliver: Int?
    /// Delays between redeliveries (overrides `ackWait` for redelivery timing when set).
    public var backOff: [Duration]
    public var maxAckPending: Int
    public var description: String?

    public init(durableName: String, filterSubject: String, deliverPolicy: DeliverPolicy = .all,
                ackWait: Duration = .seconds(30), maxDeliver: Int? = nil, backOff: [Duration] = [],
                maxAckPending: Int = 1_000, description: String? = nil) {
        self.durableName = durableName
        self.filterSubject = filterSubject
        self.deliverPolicy = deliverPolicy
        self.ackWait = ackWait
        self.maxDeliver = maxDeliver
        self.backOff = backOff
        self.maxAckPending = maxAckPending
        self.description = description
    }
}

/// The server's answer to a JetStream publish.
public struct PublishAck: Sendable, Equatable, Decodable {
    public var stream: String
    public var sequence: UInt64
    /// The message id was seen inside the duplicate window: nothing new was stored.
    public var duplicate: Bool

    enum CodingKeys: String, CodingKey {
        case stream
        case sequence = "seq"
        case duplicate
    }

    public init(stream: String, sequence: UInt64, duplicate: Bool) {
        self.stream = stream
        self.sequence = sequence
        self.duplicate = duplicate
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        stream = try container.decode(String.self, forKey: .stream)
        sequence = try container.decode(UInt64.self, forKey: .sequence)
        duplicate = try container.decodeIfPresent(Bool.self, forKey: .duplicate) ?? false
    }
}
