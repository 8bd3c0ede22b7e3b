import SwiftProtobuf
import Bus
import Foundation

/// Reads a stream's stored messages without a consumer: the JetStream API's message get
/// (`$JS.API.STREAM.MSG.GET.<stream>`), by sequence, next on a subject, or last on a subject.
/// One request per message; the observer may make it (docs/bus-contract.md, "Who may do what").
///
/// nats.c offers a get by sequence only; `next_by_subj` is what lets `explain` walk one pod's
/// DecisionRecords without a consumer. (A candidate for the Bus library once another tool needs it.)
struct StoredMessages: Sendable {
    let connection: BusConnection
    let stream: String

    struct Message: Sendable {
        var subject: String
        var sequence: UInt64
        var payload: [UInt8]
    }

    /// The first message at or after `sequence` on `subject` (wildcards allowed); nil when none.
    func next(from sequence: UInt64, subject: String) async throws -> Message? {
        try await get(["seq": .number(sequence), "next_by_subj": .text(subject)])
    }

    /// The last message on `subject`; nil when none.
    func last(subject: String) async throws -> Message? {
        try await get(["last_by_subj": .text(subject)])
    }

    /// Every message on `subject` from `sequence` on, oldest first, at most `limit`.
    func all(subject: String, from sequence: UInt64 = 1, limit: Int = 1000) async throws -> [Message] {
        var messages: [Message] = []
        var cursor = max(1, sequence)
        while messages.count < limit, let message = try await next(from: cursor, subject: subject) {
            messages.append(message)
            cursor = message.sequence + 1
        }
        return messages
    }

    private enum Field: Encodable {
        case number(UInt64), text(String)
        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .number(let value): try container.encode(value)
            case .text(let value): try container.encode(value)
            }
        }
    }

    private struct Reply: Decodable {
        struct Stored: Decodable {
            var subject: String
            var seq: UInt64
            var data: String?
        }
        struct Failure: Decodable {
            var code: Int
            var err_code: Int?
            var description: String?
        }
        var message: Stored?
        var error: Failure?
    }

    private func get(_ request: [String: Field]) async throws -> Message? {
        let body = try JSONEncoder().encode(request)
        let reply = try await connection.request(Array(body), to: "$JS.API.STREAM.MSG.GET.\(stream)", timeout: .seconds(5))
        let decoded = try JSONDecoder().decode(Reply.self, from: Data(reply.payload))
        if let error = decoded.error {
            // 10037: no message matches (a 404 like a missing stream's 10059, which is an error).
            if error.err_code == 10037 || (error.err_code == nil && error.code == 404) { return nil }
            throw BusError.jetStream(operation: "get message from \(stream)", code: error.code, errorCode: error.err_code ?? 0,
                                     description: error.description ?? "")
        }
        guard let message = decoded.message else { return nil }
        let payload = message.data.flatMap { Data(base64Encoded: $0) }.map(Array.init) ?? []
        return Message(subject: message.subject, sequence: message.seq, payload: payload)
    }
}
