/// The apiserver's `Status` object: the body of every error response and of watch ERROR events.
public struct Status: Codable, Sendable, Hashable, CustomStringConvertible {
    public var status: String?
    public var message: String?
    /// Machine-readable reason: `NotFound`, `AlreadyExists`, `Conflict`, `Expired`, `Gone`, `Invalid`...
    public var reason: String?
    public var code: Int?
    public var details: StatusDetails?

    public init(status: String? = nil, message: String? = nil, reason: String? = nil, code: Int? = nil) {
        self.status = status
        self.message = message
        self.reason = reason
        self.code = code
    }

    public var description: String {
        "\(code.map(String.init) ?? "?") \(reason ?? "")\(message.map { ": \($0)" } ?? "")"
    }
}
