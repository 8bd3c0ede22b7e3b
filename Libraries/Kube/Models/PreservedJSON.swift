/// The raw JSON of an object as received.
///
/// At write time the raw object is decoded again into its typed view and re-encoded (the
/// projection); comparing that with the caller's typed view tells exactly which modelled fields
/// the caller changed (see ``JSONValue/mergingTypedChanges(base:changed:)``). The projection is
/// derived only when an object is written, so a cache of thousands of read-only objects does not
/// hold a second copy of each.
public struct PreservedJSON: Sendable, Hashable {
    public var raw: JSONValue

    public init(raw: JSONValue) {
        self.raw = raw
    }
}
