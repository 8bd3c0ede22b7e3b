import CNATS

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Copying out of a `natsMsg`: the Swift values returned own their bytes, so the caller may destroy
/// the `natsMsg` right after.
enum NATSMessageCopy {
    static func subject(_ message: OpaquePointer) -> String {
        natsMsg_GetSubject(message).map { String(cString: $0) } ?? ""
    }

    static func replyTo(_ message: OpaquePointer) -> String? {
        guard let reply = natsMsg_GetReply(message), reply.pointee != 0 else { return nil }
        return String(cString: reply)
    }

    static func payload(_ message: OpaquePointer) -> [UInt8] {
        let length = Int(natsMsg_GetDataLength(message))
        guard length > 0, let data = natsMsg_GetData(message) else { return [] }
        return UnsafeRawBufferPointer(start: data, count: length).map { $0 }
    }

    static func headers(_ message: OpaquePointer) -> BusHeaders {
        var headers = BusHeaders()
        var keys: UnsafeMutablePointer<UnsafePointer<CChar>?>? = nil
        var keyCount: Int32 = 0
        guard natsMsgHeader_Keys(message, &keys, &keyCount) == NATS_OK, let keys else { return headers }
        defer { free(keys) }
        for keyIndex in 0..<Int(keyCount) {
            guard let key = keys[keyIndex] else { continue }
            var values: UnsafeMutablePointer<UnsafePointer<CChar>?>? = nil
            var valueCount: Int32 = 0
            guard natsMsgHeader_Values(message, key, &values, &valueCount) == NATS_OK, let values else { continue }
            let name = String(cString: key)
            for valueIndex in 0..<Int(valueCount) {
                if let value = values[valueIndex] { headers.add(name, String(cString: value)) }
            }
            free(values)
        }
        return headers
    }

    /// The whole message as a `BusMessage`. Does not destroy `message`.
    static func busMessage(_ message: OpaquePointer) -> BusMessage {
        BusMessage(subject: subject(message), replyTo: replyTo(message), headers: headers(message), payload: payload(message))
    }
}

/// Creates a `natsMsg` carrying headers, for the publish calls that need one; the caller destroys it.
func makeNATSMessage(subject: String, replyTo: String?, headers: BusHeaders, payload: [UInt8]) throws(BusError) -> OpaquePointer {
    var message: OpaquePointer? = nil
    let status = payload.withUnsafeBufferPointer { buffer in
        natsMsg_Create(&message, subject, replyTo, buffer.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }, Int32(buffer.count))
    }
    try BusError.check(status, "create message on \(subject)")
    guard let message else { throw BusError.invalidArgument("nats.c returned no message for \(subject)") }
    for field in headers.fields {
        let added = natsMsgHeader_Add(message, field.name, field.value)
        if added != NATS_OK {
            natsMsg_Destroy(message)
            throw BusError.from(added, "add header \(field.name) on \(subject)")
        }
    }
    return message
}
