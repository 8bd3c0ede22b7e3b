/// One thing a principal may do on the bus, in the contract's terms. `BusPermissions` turns grants
/// into the NATS subjects a server allows.
public enum BusGrant: Hashable, Sendable {
    /// Publish core (at-most-once) messages on these subjects.
    case publish([String])
    /// Subscribe to core messages on these subjects.
    case subscribe([String])
    /// Publish into a JetStream stream on these subjects (the stream's acknowledgement comes back
    /// to the principal's inbox).
    case publishToStream(StreamSpec, subjects: [String])
    /// Read the last message of a subject of a stream (a direct get, no consumer).
    case readLastMessage(StreamSpec)
    /// Read a stream through consumers of the principal's own (history and live).
    case readStream(StreamSpec)
    /// Pull from a durable consumer; `manage`: also create, update and delete it.
    case consume(ConsumerSpec, manage: Bool)
    /// Get, list and watch a bucket's keys.
    case readBucket(KeyValueBucketSpec)
    /// Put, create, update (compare-and-set) and delete a bucket's keys.
    case writeBucket(KeyValueBucketSpec)
    /// Look up the stream behind each stream and bucket of the topology (settings and counts, no
    /// content): every bus service binds to all of them at start.
    case bindTopology
    /// Send requests on these subjects and receive their replies.
    case request([String])
    /// Serve requests on these subjects (queue groups) and answer each once.
    case serve([String])
    /// Create, update and delete every stream, consumer and bucket of the topology.
    case administerTopology
}

/// A grant and why the principal needs it (the docs' table shows both).
public struct BusAccess: Hashable, Sendable {
    public var grant: BusGrant
    public var why: String

    public init(_ grant: BusGrant, _ why: String) {
        self.grant = grant
        self.why = why
    }
}
