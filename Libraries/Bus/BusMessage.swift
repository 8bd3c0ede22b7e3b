/// One message received on a core NATS subscription, copied out of nats.c.
///
/// The natsMsg it came from is destroyed before this value exists, so it owns no C memory.
public struct BusMessage: Sendable {
    public var subject: String
    public var replyTo: String?
    public var headers: BusHeaders
    public var payload: [UInt8]

    public init(subject: String, replyTo: String? = nil, headers: BusHeaders = BusHeaders(), payload: [UInt8]) {
        self.subject = subject
        self.replyTo = replyTo
        self.headers = headers
        self.payload = payload
    }
}
