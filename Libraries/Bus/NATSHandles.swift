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

/// A kind of nats.c object a `NATSHandle` owns: how it is destroyed.
protocol NATSObjectKind {
    static func destroy(_ raw: OpaquePointer)
}

/// Owns one nats.c object and destroys it, exactly once, when the last Swift user lets go; holds
/// the object it was made from (`parent`) so that one outlives it (a subscription its connection, a
/// KeyValue store its JetStream context).
final class NATSHandle<Kind: NATSObjectKind, Parent: Sendable>: Sendable {
    let pointer: ThreadSafeNATSPointer
    let parent: Parent

    init(_ raw: OpaquePointer, parent: Parent) {
        self.pointer = ThreadSafeNATSPointer(raw: raw)
        self.parent = parent
    }

    var raw: OpaquePointer { pointer.raw }

    deinit {
        Kind.destroy(pointer.raw)
    }
}

enum NATSConnectionObject: NATSObjectKind {
    // Closes the connection if still open (nats.c then fires the closed callback, which releases
    // the callback context) and frees it.
    static func destroy(_ raw: OpaquePointer) { natsConnection_Destroy(raw) }
}

enum NATSSubscriptionObject: NATSObjectKind {
    static func destroy(_ raw: OpaquePointer) { natsSubscription_Destroy(raw) }
}

enum JetStreamContextObject: NATSObjectKind {
    static func destroy(_ raw: OpaquePointer) { jsCtx_Destroy(raw) }
}

enum KeyValueStoreObject: NATSObjectKind {
    static func destroy(_ raw: OpaquePointer) { kvStore_Destroy(raw) }
}

/// Owns one `natsConnection`.
typealias ConnectionHandle = NATSHandle<NATSConnectionObject, Void>
/// Owns one `natsSubscription`; keeps the connection alive while the subscription exists.
typealias SubscriptionHandle = NATSHandle<NATSSubscriptionObject, ConnectionHandle>
/// Owns one `jsCtx`.
typealias JetStreamHandle = NATSHandle<JetStreamContextObject, ConnectionHandle>
/// Owns one `kvStore`.
typealias KeyValueHandle = NATSHandle<KeyValueStoreObject, JetStreamHandle>

extension NATSHandle where Kind == NATSConnectionObject, Parent == Void {
    convenience init(_ raw: OpaquePointer) {
        self.init(raw, parent: ())
    }
}

extension NATSHandle where Kind == NATSSubscriptionObject {
    convenience init(_ raw: OpaquePointer, connection: ConnectionHandle) where Parent == ConnectionHandle {
        self.init(raw, parent: connection)
    }

    /// Removes interest; messages already queued are still delivered, then the subscription completes.
    func unsubscribe() {
        _ = natsSubscription_Unsubscribe(pointer.raw)
    }
}

extension NATSHandle where Kind == JetStreamContextObject, Parent == ConnectionHandle {
    convenience init(_ raw: OpaquePointer, connection: ConnectionHandle) {
        self.init(raw, parent: connection)
    }
}

extension NATSHandle where Kind == KeyValueStoreObject, Parent == JetStreamHandle {
    convenience init(_ raw: OpaquePointer, jetStream: JetStreamHandle) {
        self.init(raw, parent: jetStream)
    }
}
