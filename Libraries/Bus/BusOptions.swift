/// How to reach and authenticate to NATS, and how to behave when the server goes away.
public struct BusOptions: Sendable {
    /// Server URLs, tried in order (`nats://127.0.0.1:4222`, `tls://...`).
    public var servers: [String]
    /// The client name the server shows in its connection list (`connz`).
    public var name: String
    public var credentials: Credentials
    public var tls: TLS?
    public var reconnect: ReconnectPolicy
    /// Per-subscription buffer between nats.c's delivery thread and the async consumer. When it is
    /// full, further messages are dropped, counted and logged: core NATS is at-most-once, and a
    /// consumer that needs every message uses JetStream instead.
    public var subscriptionBufferCapacity: Int
    /// Used by `request` when the caller gives no timeout.
    public var defaultRequestTimeout: Duration
    /// Threads that run nats.c's blocking calls (JetStream and KeyValue API round trips) so they
    /// never block Swift's cooperative pool.
    public var blockingThreads: Int
    /// How often the client pings the server to find a dead TCP connection.
    public var pingInterval: Duration
    /// How long connecting (one attempt) may take.
    public var connectTimeout: Duration
    /// Write each publish to the socket at once instead of letting nats.c's flusher thread batch
    /// writes (it sleeps 1 ms before each flush). On: a request/reply round trip takes tens of
    /// microseconds instead of 2 ms; off: fewer system calls under bulk publishing.
    public var sendImmediately: Bool
    /// Replaces `_INBOX` in every inbox this connection makes (requests, JetStream deliveries), so
    /// a server can grant each user its own inboxes only; nil: nats.c's `_INBOX`.
    public var inboxPrefix: String?

    public init(
        servers: [String] = ["nats://127.0.0.1:4222"],
        name: String = "podguard",
        credentials: Credentials = .none,
        tls: TLS? = nil,
        reconnect: ReconnectPolicy = .init(),
        subscriptionBufferCapacity: Int = 65_536,
        defaultRequestTimeout: Duration = .seconds(2),
        blockingThreads: Int = 4,
        pingInterval: Duration = .seconds(10),
        connectTimeout: Duration = .seconds(2),
        sendImmediately: Bool = true,
        inboxPrefix: String? = nil
    ) {
        self.servers = servers
        self.name = name
        self.credentials = credentials
        self.tls = tls
        self.reconnect = reconnect
        self.subscriptionBufferCapacity = subscriptionBufferCapacity
        self.defaultRequestTimeout = defaultRequestTimeout
        self.blockingThreads = blockingThreads
        self.pingInterval = pingInterval
        self.connectTimeout = connectTimeout
        self.sendImmediately = sendImmediately
        self.inboxPrefix = inboxPrefix
    }

    /// How the client proves who it is.
    public enum Credentials: Sendable, Equatable {
        case none
        case userPassword(user: String, password: String)
        case token(String)
        /// A `.creds` file (user JWT and NKey seed), as issued by `nsc`.
        case credentialsFile(path: String)
        /// A bare NKey: the public key and the file holding its seed.
        case nkey(publicKey: String, seedFile: String)
    }

    /// TLS to the server; each path names a PEM file.
    public struct TLS: Sendable, Equatable {
        public var caFile: String?
        public var certificateFile: String?
        public var keyFile: String?
        public var expectedHostname: String?

        public init(caFile: String? = nil, certificateFile: String? = nil, keyFile: String? = nil, expectedHostname: String? = nil) {
            self.caFile = caFile
            self.certificateFile = certificateFile
            self.keyFile = keyFile
            self.expectedHostname = expectedHostname
        }
    }
}
