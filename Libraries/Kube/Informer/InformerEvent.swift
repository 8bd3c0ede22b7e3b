/// What an ``Informer`` tells its user.
public enum InformerEvent<T: KubeResource>: Sendable {
    case added(T)
    case updated(old: T, new: T)
    case deleted(T)
    /// The initial list is in the cache (sent once, after its `added` events).
    case synced
}
