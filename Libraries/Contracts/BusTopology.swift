// The JetStream streams, durable consumers and KeyValue buckets of podguard's bus, as plain values.
//
// This file only *names* them and states their intended settings; the Bus library (or the demo and
// tests) creates them from these values. It does not depend on the Bus library. See
// docs/bus-contract.md, "Streams and buckets".

import SwiftProtobuf

/// Retention policy of a stream.
public enum StreamRetention: String, Sendable, Hashable {
    /// Messages are kept until a limit (age, count, bytes) removes them.
    case limits
    /// Each message is kept until one consumer acknowledges it (a work queue).
    case workQueue
    /// Messages are kept while a consumer has not acknowledged them.
    case interest
}

/// Where a stream or bucket keeps its data.
public enum StorageKind: String, Sendable, Hashable {
    case file
    case memory
}

/// A JetStream stream podguard uses.
public struct StreamSpec: Sendable, Hashable {
    /// Stream name, e.g. "PODGUARD_WORK".
    public var name: String
    /// Subjects the stream captures (with wildcards).
    public var subjects: [String]
    public var retention: StreamRetention
    public var storage: StorageKind
    /// Messages older than this are removed; nil = no age limit.
    public var maxAge: Duration?
    /// Publishes with the same `Nats-Msg-Id` within this window are stored once.
    public var duplicateWindow: Duration
    /// Number of replicas in a clustered NATS (1 on a single server).
    public var replicas: Int
    /// What the stream is for.
    public var summary: String

    public init(name: String, subjects: [String], retention: StreamRetention, storage: StorageKind,
                maxAge: Duration?, duplicateWindow: Duration, replicas: Int, summary: String) {
        self.name = name
        self.subjects = subjects
        self.retention = retention
        self.storage = storage
        self.maxAge = maxAge
        self.duplicateWindow = duplicateWindow
        self.replicas = replicas
        self.summary = summary
    }
}

/// A durable pull consumer podguard uses on one of its streams.
public struct ConsumerSpec: Sendable, Hashable {
    /// Stream the consumer reads.
    public var stream: String
    /// Durable name (all replicas of the consuming service share it and so share the work).
    public var durableName: String
    /// Only messages on this subject (filter with wildcards).
    public var filterSubject: String
    /// A message not acknowledged within this time is redelivered (the consumer sends in-progress
    /// acknowledgements while it works on a long job).
    public var ackWait: Duration
    /// Deliveries before giving up; -1 = never give up (work must not be lost).
    public var maxDeliver: Int
    /// Unacknowledged messages in flight across all replicas.
    public var maxAckPending: Int
    /// What the consumer is for.
    public var summary: String

    public init(stream: String, durableName: String, filterSubject: String, ackWait: Duration,
                maxDeliver: Int, maxAckPending: Int, summary: String) {
        self.stream = stream
        self.durableName = durableName
        self.filterSubject = filterSubject
        self.ackWait = ackWait
        self.maxDeliver = maxDeliver
        self.maxAckPending = maxAckPending
        self.summary = summary
    }
}

/// A JetStream KeyValue bucket podguard uses.
public struct KeyValueBucketSpec: Sendable, Hashable {
    /// Bucket name, e.g. "podguard-nodes" (its subjects are `$KV.<name>.<key>`).
    public var name: String
    /// Values kept per key (1 = latest only).
    public var history: Int
    /// Values older than this expire; nil = never.
    public var ttl: Duration?
    public var storage: StorageKind
    public var replicas: Int
    /// How keys are formed (see `PodguardKeys`).
    public var keyFormat: String
    /// Full protobuf name of the values, e.g. "podguard.v1.NodeState".
    public var valueMessageName: String
    /// What the bucket is for.
    public var summary: String

    public init(name: String, history: Int, ttl: Duration?, storage: StorageKind, replicas: Int,
                keyFormat: String, valueMessageName: String, summary: String) {
        self.name = name
        self.history = history
        self.ttl = ttl
        self.storage = storage
        self.replicas = replicas
        self.keyFormat = keyFormat
        self.valueMessageName = valueMessageName
        self.summary = summary
    }

    /// `$KV.<bucket>.>`: the subjects of all keys (what a KeyValue watch subscribes to).
    public var allKeysSubject: String { "$KV.\(name).>" }

    /// `$KV.<bucket>.<key>`: the subject of one key.
    public func subject(forKey key: String) -> String { "$KV.\(name).\(key)" }
}

/// podguard's streams, consumers and buckets for one subject prefix.
///
/// Names derive from the prefix so two installations can share a NATS account: with the default
/// prefix "podguard" the streams are `PODGUARD_WORK`, `PODGUARD_ALERTS`, `PODGUARD_EVENTS` and the
/// buckets `podguard-nodes`, `podguard-pods`, `podguard-connectivity`, `podguard-fences`,
/// `podguard-node-remediations`, `podguard-prober`, `podguard-control`, `podguard-alert-firing`,
/// `podguard-alert-deliveries`.
public struct BusTopology: Sendable, Hashable {
    /// The subjects the streams capture.
    public let subjects: PodguardSubjects
    /// Replicas of every stream and bucket (1 for a single NATS server).
    public let replicas: Int

    /// The topology of the default prefix on a single server.
    public static let standard = BusTopology()

    /// How long an array-prober replica stays a member without renewing its lease.
    public let proberLeaseTTL: Duration

    public init(subjects: PodguardSubjects = .standard, replicas: Int = 1, proberLeaseTTL: Duration = .seconds(30)) {
        self.subjects = subjects
        self.replicas = replicas
        self.proberLeaseTTL = proberLeaseTTL
    }

    /// Stream-name prefix: the subject prefix upper-cased, '.' and '-' as '_' ("PODGUARD").
    public var streamPrefix: String {
        String(subjects.prefix.uppercased().map { $0 == "." || $0 == "-" ? "_" : $0 })
    }

    /// Bucket-name prefix: the subject prefix with '.' as '-' ("podguard").
    public var bucketPrefix: String {
        String(subjects.prefix.map { $0 == "." ? "-" : $0 })
    }

    // MARK: Streams

    /// Work queue of remediation requests: FenceWork and NodeTaintRequests, each consumed by
    /// exactly one fencing replica. File storage; duplicate window 2 min (Nats-Msg-Id = fence_id /
    /// request_id); no age limit (work is never dropped).
    public var workStream: StreamSpec {
        StreamSpec(
            name: "\(streamPrefix)_WORK",
            subjects: [subjects.allFenceRequests, subjects.allTaintRequests],
            retention: .workQueue, storage: .file, maxAge: nil, duplicateWindow: .seconds(120),
            replicas: replicas,
            summary: "FenceWork and NodeTaintRequest work queue, consumed by fencing")
    }

    /// Alerts for anyone, kept 7 days (Nats-Msg-Id = alert_id).
    public var alertStream: StreamSpec {
        StreamSpec(
            name: "\(streamPrefix)_ALERTS",
            subjects: [subjects.allAlerts],
            retention: .limits, storage: .file, maxAge: .seconds(7 * 24 * 3600),
            duplicateWindow: .seconds(120), replicas: replicas,
            summary: "Alerts, kept 7 days for external subscribers")
    }

    /// The audit trail: DecisionRecords and CleanupReports, kept 24 h.
    public var eventStream: StreamSpec {
        StreamSpec(
            name: "\(streamPrefix)_EVENTS",
            subjects: [subjects.allDecisions, subjects.allCleanups],
            retention: .limits, storage: .file, maxAge: .seconds(24 * 3600),
            duplicateWindow: .seconds(120), replicas: replicas,
            summary: "DecisionRecords and CleanupReports, kept 24 h")
    }

    /// Every stream.
    public var streams: [StreamSpec] { [workStream, alertStream, eventStream] }

    // MARK: Consumers

    /// fencing's durable consumer of FenceWork. Ack wait 60 s: a replica working on a fence
    /// (podmon allows 180 s) sends in-progress acknowledgements; an unacknowledged request is
    /// redelivered and resumed from the FenceRecord's phase.
    public var fenceRequestConsumer: ConsumerSpec {
        ConsumerSpec(
            stream: workStream.name, durableName: "fencing-fence-requests",
            filterSubject: subjects.allFenceRequests, ackWait: .seconds(60), maxDeliver: -1,
            maxAckPending: 256, summary: "fencing replicas pull FenceWork")
    }

    /// fencing's durable consumer of NodeTaintRequests.
    public var taintRequestConsumer: ConsumerSpec {
        ConsumerSpec(
            stream: workStream.name, durableName: "fencing-taint-requests",
            filterSubject: subjects.allTaintRequests, ackWait: .seconds(30), maxDeliver: -1,
            maxAckPending: 256, summary: "fencing replicas pull NodeTaintRequests")
    }

    /// alert-relay's durable consumer of every Alert. Its replicas share it; an Alert is
    /// acknowledged once every receiver took it, so one receiver's outage keeps Alerts pending
    /// (never lost, retried with backoff): hence room for many unacknowledged ones.
    public var alertRelayConsumer: ConsumerSpec {
        ConsumerSpec(
            stream: alertStream.name, durableName: "alert-relay",
            filterSubject: subjects.allAlerts, ackWait: .seconds(30), maxDeliver: -1,
            maxAckPending: 10_000, summary: "alert-relay replicas pull every Alert for delivery")
    }

    /// Every durable consumer podguard's services create.
    public var consumers: [ConsumerSpec] { [fenceRequestConsumer, taintRequestConsumer, alertRelayConsumer] }

    // MARK: KeyValue buckets

    /// Latest NodeState per node (written by watcher).
    public var nodesBucket: KeyValueBucketSpec {
        bucket("nodes", keyFormat: "<node>", value: Podguard_V1_NodeState.self,
               summary: "latest NodeState per node; deleted when the node is deleted")
    }

    /// Latest PodState per protected pod (written by watcher).
    public var podsBucket: KeyValueBucketSpec {
        bucket("pods", keyFormat: "<namespace>.<name>", value: Podguard_V1_PodState.self,
               summary: "latest PodState per protected pod; deleted when the pod is deleted")
    }

    /// Latest ArrayConnectivity per family and node (written by array-prober).
    public var connectivityBucket: KeyValueBucketSpec {
        bucket("connectivity", keyFormat: "<family>.<node>", value: Podguard_V1_ArrayConnectivity.self,
               summary: "latest ArrayConnectivity per family and node")
    }

    /// FenceRecords keyed by pod uid (decision, fencing, node-cleanup; compare-and-set), history 5.
    public var fencesBucket: KeyValueBucketSpec {
        bucket("fences", history: 5, keyFormat: "<pod uid>", value: Podguard_V1_FenceRecord.self,
               summary: "FenceRecord state machine per pod uid; every write is a compare-and-set")
    }

    /// NodeRemediationRecords keyed by node (fencing; compare-and-set), history 5.
    public var nodeRemediationsBucket: KeyValueBucketSpec {
        bucket("node-remediations", history: 5, keyFormat: "<node>", value: Podguard_V1_NodeRemediationRecord.self,
               summary: "the node remediation ladder's climb per node; every write is a compare-and-set")
    }

    /// Work-sharing leases of array-prober replicas, TTL `proberLeaseTTL` (30 s).
    public var proberBucket: KeyValueBucketSpec {
        bucket("prober", ttl: proberLeaseTTL, keyFormat: "replica.<replica id>", value: Podguard_V1_ProberLease.self,
               summary: "array-prober membership leases (expire after 30 s without renewal)")
    }

    /// The operator's switches (key `pause`: PauseSwitch), history 10 so every change is kept.
    public var controlBucket: KeyValueBucketSpec {
        bucket("control", history: 10, keyFormat: "pause", value: Podguard_V1_PauseSwitch.self,
               summary: "operator switches: the pause switch decision honours at once")
    }

    /// What alert-relay keeps firing in Alertmanager, which holds alerts in memory only and
    /// forgets them when it restarts: each condition's last opener or closer (key
    /// `<kind>.<digest>`) and each event until its end (`event.<digest of alert_id>`); alert-relay only.
    public var alertFiringBucket: KeyValueBucketSpec {
        bucket("alert-firing", ttl: .seconds(8 * 24 * 3600), keyFormat: "<condition kind>.<digest> | event.<digest>", value: Podguard_V1_Alert.self,
               summary: "alert-relay: each condition's opener (or last closer) and each event still firing, re-posted to Alertmanager")
    }

    /// alert-relay's record of each Alert's receivers (kept a day longer than PODGUARD_ALERTS
    /// keeps the Alert, so no redelivery finds it gone).
    public var alertDeliveriesBucket: KeyValueBucketSpec {
        bucket("alert-deliveries", ttl: .seconds(8 * 24 * 3600), keyFormat: "<digest of alert_id>", value: Podguard_V1_AlertDelivery.self,
               summary: "alert-relay: which receivers took each Alert")
    }

    /// A file-backed bucket `<bucketPrefix>-<suffix>` with this topology's replicas.
    private func bucket(_ suffix: String, history: Int = 1, ttl: Duration? = nil, keyFormat: String,
                        value: any SwiftProtobuf.Message.Type, summary: String) -> KeyValueBucketSpec {
        KeyValueBucketSpec(name: "\(bucketPrefix)-\(suffix)", history: history, ttl: ttl, storage: .file, replicas: replicas,
                           keyFormat: keyFormat, valueMessageName: value.protoMessageName, summary: summary)
    }

    /// Every bucket.
    public var buckets: [KeyValueBucketSpec] {
        [nodesBucket, podsBucket, connectivityBucket, fencesBucket, nodeRemediationsBucket, proberBucket, controlBucket,
         alertFiringBucket, alertDeliveriesBucket]
    }
}
