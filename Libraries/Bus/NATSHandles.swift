import CNATS

/// The address of a nats.c object that may be used from any thread.
///
/// nats.c documents connections, subscriptions, JetStream contexts, KeyValue stores and watchers as
/// safe for concurrent use (each locks internally). This wrapper only carries the address between
/// tasks; it owns nothing. The class that created the object destroys it, exactly once, in its
/// `deinit`, and every user holds a strong reference to that class while it uses the address.
struct ThreadSafeNATSPointer: @unchecked Sendable {
    let raw: OpaquePointer
}

/// Owns one `natsConnection`; destroyed when the last Swift user (the connection, a subscription,
/// a JetStream context, a KeyValue store) lets go of it.
final class ConnectionHandle: Sendable {
    let pointer: ThreadSafeNATSPointer

    init(_ raw: OpaquePointer) {
        self.pointer = ThreadSafeNATSPointer(raw: raw)
    }

    var raw: OpaquePointer { pointer.raw }

    deinit {
        // Closes the connection if still open (nats.c then fires the closed callback, which releases
        // the callback context) and frees it.
        natsConnection_Destroy(pointer.raw)
    }
}

/// Owns one `natsSubscription`.
final class SubscriptionHandle: Sendable {
    let pointer: ThreadSafeNATSPointer
    /// Keeps the connection alive while the subscription exists.
    let connection: ConnectionHandle

    init(_ raw: OpaquePointer, connection: ConnectionHandle) {
        self.pointer = ThreadSafeNATSPointer(raw: raw)
        self.connection = connection
    }

    var raw: OpaquePointer { pointer.raw }

    /// Removes interest; messages already queued are still delivered, then the subscription completes.
    func unsubscribe() {
        _ = natsSubscription_Unsubscribe(pointer.raw)
    }

    deinit {
        natsSubscription_Destroy(pointer.raw)
    }
}

/// Owns one `jsCtx`.
final class JetStreamHandle: Sendable {
    let pointer: ThreadSafeNATSPointer
    let connection: ConnectionHandle

    init(_ raw: OpaquePointer, connection: ConnectionHandle) {
        self.pointer = ThreadSafeNATSPointer(raw: raw)
        self.connection = connection
    }

    var raw: OpaquePointer { pointer.raw }

    deinit {
        jsCtx_Destroy(pointer.raw)
    }
}

/// Owns one `kvStore`.
final class KeyValueHandle: Sendable {
    let pointer: ThreadSafeNATSPointer
    let jetStream: JetStreamHandle

    init(_ raw: OpaquePointer, jetStream: JetStreamHandle) {
        self.pointer = ThreadSafeNATSPointer(raw: raw)
        self.jetStream = jetStream
    }

    var raw: OpaquePointer { pointer.raw }

    deinit {
        kvStore_Destroy(pointer.raw)
    }
}
