/// `metadata` of a list: the resourceVersion to watch from and the pagination token.
public struct ListMeta: Codable, Sendable, Hashable {
    public var resourceVersion: String?
    /// Non-empty when more items remain; pass it back as `continue` to get the next page.
    public var `continue`: String?
    public var remainingItemCount: Int64?

    public init() {}
}
