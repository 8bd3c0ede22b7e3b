/// The NATS subjects one principal may publish and subscribe to: what a nats-server's
/// `authorization` block (or an account's user) states. Derived from the principal's grants.
public struct BusPermissions: Hashable, Sendable {
    /// Subjects (with wildcards) the principal may publish to.
    public var publish: [String]
    /// Subjects (with wildcards) the principal may subscribe to.
    public var subscribe: [String]
    /// May answer the requests it receives (NATS `allow_responses`: one reply per request).
    public var allowResponses: Bool
    /// The principal's inbox prefix: replies (and JetStream deliveries) come only to
    /// `<inboxPrefix>.>`, so no principal can read another's replies.
    public var inboxPrefix: String
}

extension BusTopology {
    /// `_INBOX.<bucketPrefix>-<role>`: a principal's own inboxes.
    public func inboxPrefix(for principal: BusPrincipal) -> String {
        "_INBOX.\(bucketPrefix)-\(principal.role)"
    }

    /// The NATS user name of a principal: `<bucketPrefix>-<role>` ("podguard-watcher").
    public func userName(for principal: BusPrincipal) -> String {
        "\(bucketPrefix)-\(principal.role)"
    }

    /// The subjects `principal` may use, from `access(for:)`; sorted, without duplicates.
    public func permissions(for principal: BusPrincipal) -> BusPermissions {
        var publish: Set<String> = []
        var subscribe: Set<String> = []
        var allowResponses = false
        let inbox = inboxPrefix(for: principal)
        for access in access(for: principal) {
            switch access.grant {
            case .publish(let subjects):
                publish.formUnion(subjects)
            case .subscribe(let subjects):
                subscribe.formUnion(subjects)
            case .publishToStream(_, let subjects):
                publish.formUnion(subjects)
            case .readLastMessage(let stream):
                publish.formUnion(JetStreamAPI.lastMessage(stream: stream.name))
            case .readStream(let stream):
                publish.formUnion(JetStreamAPI.read(stream: stream.name))
            case .consume(let consumer, let manage):
                publish.formUnion(JetStreamAPI.pull(stream: consumer.stream, durable: consumer.durableName))
                if manage { publish.formUnion(JetStreamAPI.manage(stream: consumer.stream, durable: consumer.durableName)) }
            case .readBucket(let bucket):
                publish.formUnion(JetStreamAPI.read(stream: JetStreamAPI.keyValueStream(bucket.name)))
            case .writeBucket(let bucket):
                publish.insert(bucket.allKeysSubject)
            case .bindTopology:
                publish.formUnion(allStreamNames.map { "$JS.API.STREAM.INFO.\($0)" })
            case .request(let subjects):
                publish.formUnion(subjects)
            case .serve(let subjects):
                subscribe.formUnion(subjects)
                allowResponses = true
                publish.formUnion(requesters(of: subjects).map { "\(inboxPrefix(for: $0)).>" })
            case .administerTopology:
                publish.formUnion(JetStreamAPI.administer(streams: allStreamNames))
            }
        }
        // Every connection subscribes to its own inboxes at start (requests, JetStream replies).
        subscribe.insert("\(inbox).>")
        return BusPermissions(publish: publish.sorted(), subscribe: subscribe.sorted(), allowResponses: allowResponses,
                              inboxPrefix: inbox)
    }

    /// The principals that may send requests `principal` serves.
    public func askers(of principal: BusPrincipal) -> [BusPrincipal] {
        requesters(of: access(for: principal).flatMap { access -> [String] in
            if case .serve(let subjects) = access.grant { subjects } else { [] }
        })
    }

    /// The principals granted requests on any of `subjects`. A server grants `allow_responses`
    /// only for requests it delivered itself: a reply sent after the responder reconnected (to a
    /// restarted server, or to another member of a cluster) would be refused, so a responder may
    /// also publish to the inboxes of exactly those who may ask it.
    public func requesters(of subjects: [String]) -> [BusPrincipal] {
        BusPrincipal.all(families: BusPrincipal.adapterFamilies).filter { principal in
            access(for: principal).contains { access in
                guard case .request(let asked) = access.grant else { return false }
                return asked.contains { request in subjects.contains { SubjectPattern.overlaps(request, $0) } }
            }
        }
    }

    /// The JetStream stream of every stream and bucket of the topology (a bucket's is `KV_<bucket>`).
    public var allStreamNames: [String] {
        streams.map(\.name) + buckets.map { JetStreamAPI.keyValueStream($0.name) }
    }
}

/// The JetStream API subjects behind each kind of grant (nats-server 2.9+; both the older and the
/// newer consumer-create forms, since client libraries differ in which they use).
enum JetStreamAPI {
    /// The stream behind a KeyValue bucket.
    static func keyValueStream(_ bucket: String) -> String { "KV_\(bucket)" }

    static func lastMessage(stream: String) -> [String] {
        ["$JS.API.STREAM.INFO.\(stream)", "$JS.API.STREAM.MSG.GET.\(stream)", "$JS.API.DIRECT.GET.\(stream)",
         "$JS.API.DIRECT.GET.\(stream).>"]
    }

    /// Consumers of one's own (ephemeral, ordered) over a stream, and direct gets: history, live
    /// messages, and a bucket's get, keys and watch.
    static func read(stream: String) -> [String] {
        // nats.c finds the stream behind a watched subject by asking for the names of streams
        // (names only, no content).
        lastMessage(stream: stream) + ["$JS.API.STREAM.NAMES",
            "$JS.API.CONSUMER.CREATE.\(stream)", "$JS.API.CONSUMER.CREATE.\(stream).>",
            "$JS.API.CONSUMER.INFO.\(stream).*", "$JS.API.CONSUMER.DELETE.\(stream).*",
            "$JS.API.CONSUMER.MSG.NEXT.\(stream).*", "$JS.ACK.\(stream).>", "$JS.FC.\(stream).>",
        ]
    }

    /// Pulling from one durable consumer and acknowledging its messages.
    static func pull(stream: String, durable: String) -> [String] {
        ["$JS.API.STREAM.INFO.\(stream)", "$JS.API.CONSUMER.INFO.\(stream).\(durable)",
         "$JS.API.CONSUMER.MSG.NEXT.\(stream).\(durable)", "$JS.ACK.\(stream).\(durable).>"]
    }

    /// Creating, updating and deleting one durable consumer.
    static func manage(stream: String, durable: String) -> [String] {
        ["$JS.API.CONSUMER.DURABLE.CREATE.\(stream).\(durable)", "$JS.API.CONSUMER.CREATE.\(stream).\(durable)",
         "$JS.API.CONSUMER.CREATE.\(stream).\(durable).>", "$JS.API.CONSUMER.DELETE.\(stream).\(durable)"]
    }

    /// Everything on these streams and their consumers, and the account-wide look-ups.
    static func administer(streams: [String]) -> [String] {
        ["$JS.API.INFO", "$JS.API.STREAM.NAMES", "$JS.API.STREAM.LIST"] + streams.flatMap { stream in
            ["CREATE", "UPDATE", "DELETE", "INFO", "PURGE", "MSG.GET", "MSG.DELETE"].map { "$JS.API.STREAM.\($0).\(stream)" }
                + read(stream: stream)
                + ["$JS.API.CONSUMER.NAMES.\(stream)", "$JS.API.CONSUMER.LIST.\(stream)",
                   "$JS.API.CONSUMER.DURABLE.CREATE.\(stream).*"]
        }
    }
}

extension BusPermissions {
    /// Whether a server with these permissions lets the principal publish on `subject` (replies to
    /// requests it received aside).
    public func mayPublish(_ subject: String) -> Bool {
        publish.contains { SubjectPattern.matches($0, subject) }
    }

    /// Whether a server with these permissions lets the principal subscribe to `subject` (which may
    /// itself hold wildcards: then only a pattern covering all of it allows it).
    public func maySubscribe(_ subject: String) -> Bool {
        subscribe.contains { SubjectPattern.covers($0, subject) }
    }
}

/// NATS subject wildcards: `*` is one token, `>` one or more trailing tokens.
public enum SubjectPattern {
    /// Whether `pattern` matches the literal `subject`.
    public static func matches(_ pattern: String, _ subject: String) -> Bool {
        covers(pattern, subject)
    }

    /// Whether some literal subject matches both patterns.
    public static func overlaps(_ first: String, _ second: String) -> Bool {
        let a = first.split(separator: ".", omittingEmptySubsequences: false)
        let b = second.split(separator: ".", omittingEmptySubsequences: false)
        for index in 0..<max(a.count, b.count) {
            let left = index < a.count ? a[index] : nil
            let right = index < b.count ? b[index] : nil
            if left == ">" { return right != nil }
            if right == ">" { return left != nil }
            guard let left, let right else { return false }
            if left != "*" && right != "*" && left != right { return false }
        }
        return true
    }

    /// Whether every subject `inner` matches is also matched by `pattern`.
    public static func covers(_ pattern: String, _ inner: String) -> Bool {
        let outer = pattern.split(separator: ".", omittingEmptySubsequences: false)
        let tokens = inner.split(separator: ".", omittingEmptySubsequences: false)
        for (index, token) in outer.enumerated() {
            if token == ">" { return tokens.count > index }
            guard index < tokens.count else { return false }
            if token == "*" {
                if tokens[index] == ">" { return false }
                continue
            }
            if token != tokens[index] { return false }
        }
        return outer.count == tokens.count
    }
}
