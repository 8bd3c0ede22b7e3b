/// One cause of an `Invalid` error (a field and what is wrong with it).
public struct StatusCause: Codable, Sendable, Hashable {
    public var reason: String?
    public var message: String?
    public var field: String?
}
