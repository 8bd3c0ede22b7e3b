/// One event of a watch. Bookmarks carry only a resourceVersion to resume from.
public enum WatchEvent<T: KubeResource>: Sendable {
    case added(T)
    case modified(T)
    case deleted(T)
    case bookmark(resourceVersion: String)

    /// The resourceVersion this event brings the watch to.
    public var resourceVersion: String? {
        switch self {
        case .added(let object), .modified(let object), .deleted(let object): return object.metadata.resourceVersion
        case .bookmark(let resourceVersion): return resourceVersion
        }
    }

    public var object: T? {
        switch self {
        case .added(let object), .modified(let object), .deleted(let object): return object
        case .bookmark: return nil
        }
    }
}
