/// What makes two event recordings "the same event": same object (by uid, else kind/namespace/name),
/// type, reason, action and message. Repeats within the aggregation window update one Event.
public struct EventAggregationKey: Sendable, Hashable {
    public var object: String
    public var type: String
    public var reason: String
    public var action: String
    public var note: String

    public init(regarding: ObjectReference, type: String, reason: String, action: String, note: String) {
        let identity = regarding.uid.map { "uid:\($0)" } ?? "\(regarding.kind ?? "")/\(regarding.namespace ?? "")/\(regarding.name ?? "")"
        self.object = identity
        self.type = type
        self.reason = reason
        self.action = action
        self.note = note
    }
}
