public import Foundation
import SwiftProtobuf

extension BusConnection {
    /// Publishes `message` in protobuf binary encoding.
    public func publish(_ message: some SwiftProtobuf.Message, to subject: String, replyTo: String? = nil,
                        headers: BusHeaders = BusHeaders()) throws(BusError) {
        try publish(ProtobufCoding.encode(message, subject: subject), to: subject, replyTo: replyTo, headers: headers)
    }

    /// Subscribes and decodes every payload as `type`.
    public func subscribe<Payload: SwiftProtobuf.Message & Sendable>(
        to subject: String, as type: Payload.Type, queue: String? = nil, bufferCapacity: Int? = nil
    ) throws(BusError) -> TypedSubscription<Payload> {
        TypedSubscription(raw: try subscribe(to: subject, queue: queue, bufferCapacity: bufferCapacity), metrics: metrics, logger: logger)
    }

    /// Sends `request` and decodes the reply as `Response`; a reply that does not decode throws
    /// `.undecodable`.
    public func request<Response: SwiftProtobuf.Message>(
        _ request: some SwiftProtobuf.Message, to subject: String, expecting: Response.Type,
        headers: BusHeaders = BusHeaders(), timeout: Duration? = nil
    ) async throws -> Response {
        let reply = try await self.request(ProtobufCoding.encode(request, subject: subject), to: subject, headers: headers, timeout: timeout)
        return try ProtobufCoding.decode(Response.self, from: reply.payload, subject: subject)
    }

    /// Answers a request received on a subscription.
    public func reply(to replyTo: String, with response: some SwiftProtobuf.Message, headers: BusHeaders = BusHeaders()) throws(BusError) {
        try publish(response, to: replyTo, headers: headers)
    }
}

extension JetStream {
    /// Publishes `message` into the stream capturing `subject` and waits for it to be stored.
    @discardableResult
    public func publish(_ message: some SwiftProtobuf.Message, to subject: String, messageID: String? = nil,
                        headers: BusHeaders = BusHeaders(), timeout: Duration? = nil) async throws -> PublishAck {
        try await publish(ProtobufCoding.encode(message, subject: subject), to: subject, messageID: messageID,
                          headers: headers, timeout: timeout)
    }
}

extension JetStreamMessage {
    /// Decodes the payload; a poison message throws `.undecodable` (the caller should `term()` it).
    public func decode<Payload: SwiftProtobuf.Message>(as type: Payload.Type) throws(BusError) -> Payload {
        try ProtobufCoding.decode(type, from: payload, subject: subject)
    }
}

/// A KeyValue value decoded as a protobuf message, with the revision to compare-and-set against
/// and when the server stored it.
public struct TypedEntry<Value: SwiftProtobuf.Message & Sendable>: Sendable {
    public var key: String
    public var value: Value
    public var revision: UInt64
    public var storedAt: Date
}

extension KeyValueStore {
    public func get<Value: SwiftProtobuf.Message & Sendable>(_ key: String, as type: Value.Type) async throws -> TypedEntry<Value>? {
        guard let entry = try await get(key) else { return nil }
        let value = try ProtobufCoding.decode(type, from: entry.value, subject: "\(bucket)/\(key)")
        return TypedEntry(key: key, value: value, revision: entry.revision, storedAt: entry.storedAt)
    }

    @discardableResult
    public func put(_ key: String, message: some SwiftProtobuf.Message) async throws -> UInt64 {
        try await put(key, value: ProtobufCoding.encode(message, subject: "\(bucket)/\(key)"))
    }

    @discardableResult
    public func create(_ key: String, message: some SwiftProtobuf.Message) async throws -> UInt64 {
        try await create(key, value: ProtobufCoding.encode(message, subject: "\(bucket)/\(key)"))
    }

    @discardableResult
    public func update(_ key: String, message: some SwiftProtobuf.Message, expectedRevision: UInt64) async throws -> UInt64 {
        try await update(key, value: ProtobufCoding.encode(message, subject: "\(bucket)/\(key)"), expectedRevision: expectedRevision)
    }
}

/// A KeyValue watch update with the value decoded.
public enum TypedKeyValueUpdate<Value: SwiftProtobuf.Message & Sendable>: Sendable {
    /// `storedAt`: when the server stored the value (its clock, not the producer's).
    case put(key: String, value: Value, revision: UInt64, storedAt: Date)
    /// Deleted or purged.
    case deleted(key: String)
    /// Every value that existed when the watch started has been delivered.
    case caughtUp
}

extension KeyValueStore {
    /// `watch` with every value decoded as `Value`. A value that does not decode is skipped,
    /// counted (`podguard_bus_undecodable_messages_total`) and logged, and the watch goes on.
    public func watch<Value: SwiftProtobuf.Message & Sendable>(
        _ keys: String? = nil, as type: Value.Type
    ) async throws -> AsyncThrowingStream<TypedKeyValueUpdate<Value>, any Error> {
        let updates = try await watch(keys)
        let accounting = UndecodableAccounting(
            counter: connection.metrics.undecodableMessages(subscription: "$KV.\(bucket).\(keys ?? ">")", type: Value.protoMessageName),
            logger: connection.logger, type: Value.protoMessageName)
        let (stream, continuation) = AsyncThrowingStream<TypedKeyValueUpdate<Value>, any Error>.makeStream()
        let task = Task {
            do {
                for try await update in updates {
                    switch update {
                    case .caughtUp:
                        continuation.yield(.caughtUp)
                    case .entry(let entry) where entry.operation != .put:
                        continuation.yield(.deleted(key: entry.key))
                    case .entry(let entry):
                        do {
                            let value = try ProtobufCoding.decode(Value.self, from: entry.value, subject: "\(bucket)/\(entry.key)")
                            continuation.yield(.put(key: entry.key, value: value, revision: entry.revision, storedAt: entry.storedAt))
                        } catch {
                            accounting.record(error)
                        }
                    }
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}
