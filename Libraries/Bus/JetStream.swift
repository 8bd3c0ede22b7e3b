import CNATS
import NIOPosix
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// JetStream on one connection: stream and consumer management, publish with acknowledgement,
/// pull consumers and KeyValue buckets.
///
/// Management calls are blocking round trips in nats.c and run on the connection's blocking
/// threads. Publishing goes through the connection's request multiplexer, so it never blocks a
/// thread while waiting for the server's acknowledgement.
public final class JetStream: Sendable {
    let handle: JetStreamHandle
    let connection: BusConnection
    public let apiTimeout: Duration

    init(handle: JetStreamHandle, connection: BusConnection, apiTimeout: Duration) {
        self.handle = handle
        self.connection = connection
        self.apiTimeout = apiTimeout
    }

    static func cOptions(_ timeout: Duration) -> jsOptions {
        var options = jsOptions()
        jsOptions_Init(&options)
        options.Wait = timeout.milliseconds
        return options
    }

    // MARK: Streams

    /// Creates the stream, or updates it when it exists with other settings.
    @discardableResult
    public func createOrUpdateStream(_ configuration: StreamConfiguration) async throws -> StreamInfo {
        let js = handle.pointer
        let timeout = apiTimeout
        return try await connection.blocking.runIfActive { () throws -> StreamInfo in
            let arena = CStringArena()
            var config = StreamConfigurationMapping.cStruct(configuration, arena: arena)
            var jsOpts = JetStream.cOptions(timeout)
            var info: UnsafeMutablePointer<jsStreamInfo>? = nil
            var errorCode = jsErrCode(0)
            var status = js_AddStream(&info, js.raw, &config, &jsOpts, &errorCode)
            if status != NATS_OK && errorCode == JSStreamNameExistErr {
                errorCode = jsErrCode(0)
                status = js_UpdateStream(&info, js.raw, &config, &jsOpts, &errorCode)
            }
            withExtendedLifetime(arena) {}
            try JetStreamError.check(status, errorCode, "create or update stream \(configuration.name)")
            defer { jsStreamInfo_Destroy(info) }
            return StreamConfigurationMapping.info(info!)
        }
    }

    public func streamInfo(_ name: String) async throws -> StreamInfo {
        let js = handle.pointer
        let timeout = apiTimeout
        return try await connection.blocking.runIfActive { () throws -> StreamInfo in
            var jsOpts = JetStream.cOptions(timeout)
            var info: UnsafeMutablePointer<jsStreamInfo>? = nil
            var errorCode = jsErrCode(0)
            let status = js_GetStreamInfo(&info, js.raw, name, &jsOpts, &errorCode)
            try JetStreamError.check(status, errorCode, "stream info \(name)")
            defer { jsStreamInfo_Destroy(info) }
            return StreamConfigurationMapping.info(info!)
        }
    }

    /// The payload of the last message on `subject` in `stream` (one API round trip, no consumer),
    /// or nil when the stream holds none.
    public func lastMessagePayload(stream: String, subject: String) async throws -> [UInt8]? {
        let js = handle.pointer
        let timeout = apiTimeout
        return try await connection.blocking.runIfActive { () throws -> [UInt8]? in
            var jsOpts = JetStream.cOptions(timeout)
            var message: OpaquePointer? = nil
            var errorCode = jsErrCode(0)
            let status = js_GetLastMsg(&message, js.raw, stream, subject, &jsOpts, &errorCode)
            if status == NATS_NOT_FOUND { return nil }
            try JetStreamError.check(status, errorCode, "last message on \(subject) in \(stream)")
            defer { natsMsg_Destroy(message) }
            return message.map(NATSMessageCopy.payload) ?? nil
        }
    }

    public func deleteStream(_ name: String) async throws {
        let js = handle.pointer
        let timeout = apiTimeout
        try await connection.blocking.runIfActive {
            var jsOpts = JetStream.cOptions(timeout)
            var errorCode = jsErrCode(0)
            try JetStreamError.check(js_DeleteStream(js.raw, name, &jsOpts, &errorCode), errorCode, "delete stream \(name)")
        }
    }

    // MARK: Consumers

    /// Creates the durable consumer, or updates it when it exists with other (updatable) settings.
    /// With `updateExisting: false` an existing consumer is left as it is (its owner's settings stand).
    public func createOrUpdateConsumer(stream: String, _ configuration: ConsumerConfiguration,
                                       updateExisting: Bool = true) async throws {
        let js = handle.pointer
        let timeout = apiTimeout
        try await connection.blocking.runIfActive {
            let arena = CStringArena()
            var config = StreamConfigurationMapping.cStruct(configuration, arena: arena)
            var jsOpts = JetStream.cOptions(timeout)
            var info: UnsafeMutablePointer<jsConsumerInfo>? = nil
            var errorCode = jsErrCode(0)
            if !updateExisting {
                // The server's "add" updates an existing durable consumer: look first.
                if js_GetConsumerInfo(&info, js.raw, stream, configuration.durableName, &jsOpts, &errorCode) == NATS_OK {
                    jsConsumerInfo_Destroy(info)
                    return
                }
                info = nil
                errorCode = jsErrCode(0)
            }
            var status = js_AddConsumer(&info, js.raw, stream, &config, &jsOpts, &errorCode)
            if status != NATS_OK && (errorCode == JSConsumerNameExistErr || errorCode == jsErrCode(10148)) {
                errorCode = jsErrCode(0)
                status = updateExisting ? js_UpdateConsumer(&info, js.raw, stream, &config, &jsOpts, &errorCode) : NATS_OK
            }
            withExtendedLifetime(arena) {}
            try JetStreamError.check(status, errorCode, "create or update consumer \(configuration.durableName) on \(stream)")
            jsConsumerInfo_Destroy(info)
        }
    }

    public func deleteConsumer(stream: String, durableName: String) async throws {
        let js = handle.pointer
        let timeout = apiTimeout
        try await connection.blocking.runIfActive {
            var jsOpts = JetStream.cOptions(timeout)
            var errorCode = jsErrCode(0)
            try JetStreamError.check(js_DeleteConsumer(js.raw, stream, durableName, &jsOpts, &errorCode), errorCode,
                                     "delete consumer \(durableName) on \(stream)")
        }
    }

    // MARK: Publish

    /// Publishes into the stream that captures `subject` and waits for the server to store it.
    ///
    /// With `messageID`, a retry after a lost acknowledgement is stored once (inside the stream's
    /// duplicate window): retry with the same id until this returns, and nothing is lost or doubled.
    @discardableResult
    public func publish(_ payload: [UInt8], to subject: String, messageID: String? = nil,
                        headers: BusHeaders = BusHeaders(), timeout: Duration? = nil) async throws -> PublishAck {
        var headers = headers
        if let messageID { headers[BusHeaders.messageID] = messageID }
        let reply = try await connection.request(payload, to: subject, headers: headers, timeout: timeout ?? apiTimeout)
        return try PublishAckDecoding.decode(reply.payload, subject: subject)
    }
}

extension BusConnection {
    /// The JetStream context of this connection; `apiTimeout` bounds each API round trip.
    public func jetStream(apiTimeout: Duration = .seconds(5)) throws(BusError) -> JetStream {
        var options = JetStream.cOptions(apiTimeout)
        var created: OpaquePointer? = nil
        try BusError.check(natsConnection_JetStream(&created, handle.raw, &options), "create JetStream context")
        guard let created else { throw BusError.invalidArgument("nats.c returned no JetStream context") }
        return JetStream(handle: JetStreamHandle(created, connection: handle), connection: self, apiTimeout: apiTimeout)
    }
}

/// Decodes the JSON a JetStream publish is answered with.
enum PublishAckDecoding {
    private struct APIError: Decodable {
        struct Detail: Decodable {
            var code: Int
            var err_code: Int?
            var description: String?
        }
        var error: Detail?
    }

    static func decode(_ payload: [UInt8], subject: String) throws -> PublishAck {
        let data = Data(payload)
        let decoder = JSONDecoder()
        if let failure = try? decoder.decode(APIError.self, from: data), let error = failure.error {
            throw BusError.jetStream(operation: "publish on \(subject)", code: error.code, errorCode: error.err_code ?? 0,
                                     description: error.description ?? "")
        }
        do {
            return try decoder.decode(PublishAck.self, from: data)
        } catch {
            throw BusError.jetStream(operation: "publish on \(subject)", code: 0, errorCode: 0,
                                     description: "unreadable acknowledgement: \(String(decoding: payload, as: UTF8.self))")
        }
    }
}

enum JetStreamError {
    static func check(_ status: natsStatus, _ errorCode: jsErrCode, _ operation: @autoclosure () -> String) throws(BusError) {
        guard status != NATS_OK else { return }
        if errorCode.rawValue != 0 {
            var lastStatus = NATS_OK
            let detail = nats_GetLastError(&lastStatus).map { String(cString: $0) } ?? ""
            throw BusError.jetStream(operation: operation(), code: Int(status.rawValue), errorCode: Int(errorCode.rawValue),
                                     description: detail)
        }
        throw BusError.from(status, operation())
    }
}
