/// The raw JSON of an object as received, and its typed projection at that moment.
///
/// The projection is the typed view re-encoded right after decoding; comparing it with the
/// typed view at write time tells exactly which modelled fields the caller changed (see
/// ``JSONValue/mergingTypedChanges(base:changed:)``).
public struct PreservedJSON: Sendable, Hashable {
    public var raw: JSONValue
    public var projection: JSONValue

    public init(raw: JSONValue, projection: JSONValue) {
        self.raw = raw
        self.projection = projection
    }
}
