/// One change to a state bucket (and, for a put, its core subject).
public enum StateWrite<State: MirroredState>: Sendable, Equatable {
    /// Set the key to this snapshot and publish it.
    case put(key: String, State)
    /// Delete the key: the object is gone from Kubernetes (a KeyValue tombstone; nothing is
    /// published on the core subject).
    case delete(key: String)

    public var key: String {
        switch self {
        case .put(let key, _), .delete(let key): key
        }
    }
}
