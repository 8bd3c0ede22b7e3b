/// One page of a list: typed items and the list metadata (resourceVersion, `continue`).
public struct ObjectList<T: KubeResource>: Sendable {
    public var metadata: ListMeta
    public var items: [T]

    public init(metadata: ListMeta, items: [T]) {
        self.metadata = metadata
        self.items = items
    }

    /// Decodes a list, keeping every item's raw JSON (for lossless writes).
    public static func fromWire(_ json: JSONValue) throws -> ObjectList<T> {
        let metadata = try (json["metadata"] ?? .object([:])).decode(ListMeta.self)
        let items = try (json["items"]?.arrayValue ?? []).map { try T.fromWire($0) }
        return ObjectList(metadata: metadata, items: items)
    }
}
