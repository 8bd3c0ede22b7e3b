import CNATS
import Logging
import NIOPosix

/// A connection to NATS: core publish/subscribe, request/reply, and the way into JetStream.
///
/// Connecting returns as soon as nats.c has a connection object; when the server is not up yet the
/// connection keeps trying in the background (`state` is `.connecting`) and publishes are buffered,
/// so a service can start before the bus and report not-ready until `.connected`.
/// Call `drain()` or `close()` when done: nats.c owns threads and sockets until then.
public final class BusConnection: Sendable {
    public let options: BusOptions
    let logger: Logger
    let handle: ConnectionHandle
    let context: ConnectionContext
    /// Runs nats.c's blocking calls (connect, flush, JetStream and KeyValue API round trips).
    let blocking: NIOThreadPool
    let multiplexer: RequestMultiplexer
    let metrics: BusMetrics

    private init(options: BusOptions, logger: Logger, handle: ConnectionHandle, context: ConnectionContext,
                 blocking: NIOThreadPool, multiplexer: RequestMultiplexer) {
        self.options = options
        self.logger = logger
        self.handle = handle
        self.context = context
        self.blocking = blocking
        self.multiplexer = multiplexer
        self.metrics = context.metrics
    }

    /// Creates the connection. Throws only when the options cannot work (bad URL, unreadable
    /// credentials or TLS files); an unreachable server is retried per `options.reconnect`.
    public static func connect(_ options: BusOptions, logger: Logger = Logger(label: "podguard.bus")) async throws -> BusConnection {
        guard !options.servers.isEmpty else { throw BusError.invalidArgument("bus options: no server URL given") }
        var logger = logger
        logger[metadataKey: "bus.client"] = "\(options.name)"
        let blocking = NIOThreadPool(numberOfThreads: max(1, options.blockingThreads))
        blocking.start()
        let context = ConnectionContext(logger: logger, metrics: BusMetrics(client: options.name), reconnect: options.reconnect)
        let pointer: ThreadSafeNATSPointer
        do {
            pointer = try await blocking.runIfActive {
                try Self.createConnection(options: options, context: context)
            }
        } catch {
            try? await blocking.shutdownGracefully()
            throw error
        }
        let handle = ConnectionHandle(pointer.raw)
        let multiplexer: RequestMultiplexer
        do {
            multiplexer = try RequestMultiplexer.start(on: handle, customPrefix: options.inboxPrefix, logger: logger)
        } catch {
            natsConnection_Close(handle.raw)
            try? await blocking.shutdownGracefully()
            throw error
        }
        return BusConnection(options: options, logger: logger, handle: handle, context: context,
                             blocking: blocking, multiplexer: multiplexer)
    }

    /// Runs on a blocking thread: nats.c's connect does the TCP and protocol handshake synchronously.
    private static func createConnection(options: BusOptions, context: ConnectionContext) throws -> ThreadSafeNATSPointer {
        let natsOptions = try NATSOptionsBuilder.make(options)
        defer { natsOptions_Destroy(natsOptions) }
        // nats.c keeps this reference until its closed callback (see ConnectionContext).
        let closure = Unmanaged.passRetained(context).toOpaque()
        do {
            try NATSOptionsBuilder.installCallbacks(natsOptions, closure: closure)
        } catch {
            Unmanaged<ConnectionContext>.fromOpaque(closure).release()
            throw error
        }
        var connection: OpaquePointer? = nil
        let status = natsConnection_Connect(&connection, natsOptions)
        guard let connection, status == NATS_OK || status == NATS_NOT_YET_CONNECTED else {
            // No connection object exists, so no closed callback will come.
            Unmanaged<ConnectionContext>.fromOpaque(closure).release()
            throw BusError.from(status, "connect to \(options.servers.joined(separator: ","))")
        }
        if status == NATS_OK {
            let url = connectedURL(connection)
            context.apply { $0.connected(server: url) }
        } else {
            context.logger.warning("bus server not reachable yet; retrying in the background",
                                   metadata: ["servers": "\(options.servers.joined(separator: ","))"])
        }
        return ThreadSafeNATSPointer(raw: connection)
    }

    deinit {
        // Without `close()` the pool's threads and nats.c's connection (kept alive by the reply
        // inbox subscription) would outlive this object.
        natsConnection_Close(handle.raw)
        blocking.shutdownGracefully { _ in }
    }

    // MARK: State

    public var state: BusConnectionState { context.state }

    /// Every state from now on, starting with the current one; finishes after `.closed`.
    public func stateChanges() -> AsyncStream<BusConnectionState> { context.stateChanges() }

    /// Waits until the connection is (again) connected.
    public func waitUntilConnected(timeout: Duration) async throws {
        if state.isConnected { return }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await state in self.stateChanges() {
                    if state.isConnected { return }
                    if state == .closed { throw BusError.connectionClosed }
                }
                throw BusError.connectionClosed
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw BusError.timeout(subject: "(connect)", after: timeout)
            }
            try await group.next()
            group.cancelAll()
        }
    }

    // MARK: Core NATS

    /// Publishes without waiting. While reconnecting, nats.c buffers up to
    /// `options.reconnect.bufferBytes`; core NATS is at-most-once, use JetStream for what must arrive.
    public func publish(_ payload: [UInt8], to subject: String, replyTo: String? = nil,
                        headers: BusHeaders = BusHeaders()) throws(BusError) {
        let connection = handle.raw
        if headers.isEmpty {
            let status = payload.withUnsafeBufferPointer { buffer -> natsStatus in
                if let replyTo {
                    return natsConnection_PublishRequest(connection, subject, replyTo, buffer.baseAddress, Int32(buffer.count))
                }
                return natsConnection_Publish(connection, subject, buffer.baseAddress, Int32(buffer.count))
            }
            try BusError.check(status, "publish on \(subject)")
        } else {
            let message = try makeNATSMessage(subject: subject, replyTo: replyTo, headers: headers, payload: payload)
            defer { natsMsg_Destroy(message) }
            try BusError.check(natsConnection_PublishMsg(connection, message), "publish on \(subject)")
        }
    }

    /// Sends a request and waits for the first reply.
    /// Throws `.timeout`, `.noResponders` (nobody subscribes to `subject`) or `CancellationError`.
    public func request(_ payload: [UInt8], to subject: String, headers: BusHeaders = BusHeaders(),
                        timeout: Duration? = nil) async throws -> BusMessage {
        try await multiplexer.request(
            payload, to: subject, headers: headers, timeout: timeout ?? options.defaultRequestTimeout, connection: self)
    }

    /// Waits until the server has processed everything published so far.
    public func flush(timeout: Duration = .seconds(5)) async throws {
        let pointer = handle.pointer
        try await blocking.runIfActive {
            try BusError.check(natsConnection_FlushTimeout(pointer.raw, timeout.milliseconds), "flush")
        }
    }

    /// Stops receiving, lets every subscription finish the messages it already has, flushes what was
    /// published, then closes. Returns when closed or when `timeout` passed (then it closes anyway).
    public func drain(timeout: Duration = .seconds(10)) async {
        if state == .closed { return }
        let changes = stateChanges()
        let status = natsConnection_DrainTimeout(handle.raw, timeout.milliseconds)
        guard status == NATS_OK else {
            logger.warning("drain refused; closing", metadata: ["status": "\(String(cString: natsStatus_GetText(status)))"])
            await close()
            return
        }
        context.apply { $0.drainStarted() }
        context.apply { $0.closeStarted() }
        let closed = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for await state in changes where state == .closed { return true }
                return true
            }
            group.addTask {
                try? await Task.sleep(for: timeout + .seconds(1))
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        if !closed { logger.warning("drain did not finish in time; closing") }
        await close()
    }

    /// Closes now: buffered outgoing messages are flushed best-effort, pending requests fail.
    public func close() async {
        let pointer = handle.pointer
        context.apply { $0.closeStarted() }
        _ = try? await blocking.runIfActive { natsConnection_Close(pointer.raw) }
        multiplexer.failAll(BusError.connectionClosed)
        try? await blocking.shutdownGracefully()
    }
}
