import SwiftProtobuf

/// A decoded protobuf message with the envelope it arrived in.
public struct TypedMessage<Payload: SwiftProtobuf.Message & Sendable>: Sendable {
    public var payload: Payload
    public var subject: String
    public var replyTo: String?
    public var headers: BusHeaders

    public init(payload: Payload, subject: String, replyTo: String?, headers: BusHeaders) {
        self.payload = payload
        self.subject = subject
        self.replyTo = replyTo
        self.headers = headers
    }
}

enum ProtobufCoding {
    static func encode(_ message: some SwiftProtobuf.Message, subject: String) throws(BusError) -> [UInt8] {
        do {
            return try message.serializedBytes()
        } catch {
            throw BusError.invalidArgument("cannot encode \(type(of: message).protoMessageName) for \(subject): \(error)")
        }
    }

    static func decode<M: SwiftProtobuf.Message>(_ type: M.Type, from payload: [UInt8], subject: String) throws(BusError) -> M {
        do {
            return try M(serializedBytes: payload)
        } catch {
            throw BusError.undecodable(subject: subject, type: M.protoMessageName, reason: "\(error)")
        }
    }
}
