/// The informer's cache and indexes (pure: no I/O, unit-testable).
///
/// It turns watch events and relists into ``InformerEvent``s and guarantees that a deleted object
/// never comes back: the uid of every deleted object is remembered (a bounded set of tombstones),
/// and a stale list or a late event that still contains it is ignored. A re-created object with
/// the same name has a new uid, so it is not affected.
public struct InformerStore<T: KubeResource>: Sendable {
    public private(set) var objects: [String: T] = [:]
    private var indexes: [String: [String: Set<String>]] = [:]
    private let indexers: [InformerIndex<T>]
    private var tombstones: Set<String> = []
    private var tombstoneOrder: [String] = []
    public let maximumTombstones: Int

    public init(indexes: [InformerIndex<T>] = [], maximumTombstones: Int = 10_000) {
        self.indexers = indexes
        self.maximumTombstones = maximumTombstones
    }

    /// Keys of the objects whose index `name` has `value`.
    public func keys(index name: String, value: String) -> Set<String> {
        indexes[name]?[value] ?? []
    }

    public func objects(index name: String, value: String) -> [T] {
        keys(index: name, value: value).compactMap { objects[$0] }.sorted { $0.key < $1.key }
    }

    public func wasDeleted(uid: String) -> Bool {
        tombstones.contains(uid)
    }

    /// Applies one watch event.
    public mutating func apply(_ event: WatchEvent<T>) -> [InformerEvent<T>] {
        switch event {
        case .bookmark:
            return []
        case .added(let object), .modified(let object):
            return upsert(object)
        case .deleted(let object):
            return remove(key: object.key, uid: object.metadata.uid, final: object)
        }
    }

    public var count: Int { objects.count }

    /// Replaces the cache with a fresh list: adds and updates what changed, deletes what vanished.
    /// Without `reportingChanges` the events are not collected (an initial list of tens of
    /// thousands of objects would otherwise be held once more as events).
    @discardableResult
    public mutating func replace(with items: [T], reportingChanges: Bool = true) -> [InformerEvent<T>] {
        var events: [InformerEvent<T>] = []
        var seen: Set<String> = []
        for item in items {
            if let uid = item.metadata.uid, tombstones.contains(uid) { continue }
            seen.insert(item.key)
            let changes = upsert(item)
            if reportingChanges { events += changes }
        }
        for key in objects.keys.sorted() where !seen.contains(key) {
            let gone = objects[key]!
            let changes = remove(key: key, uid: gone.metadata.uid, final: gone)
            if reportingChanges { events += changes }
        }
        return events
    }

    private mutating func upsert(_ object: T) -> [InformerEvent<T>] {
        if let uid = object.metadata.uid, tombstones.contains(uid) { return [] }
        let key = object.key
        if let old = objects[key] {
            if old.metadata.uid != object.metadata.uid {
                // The name now belongs to a new object: the old one was deleted while we missed it.
                return remove(key: key, uid: old.metadata.uid, final: old) + upsert(object)
            }
            if old.metadata.resourceVersion == object.metadata.resourceVersion { return [] }
            unindex(old, key: key)
            objects[key] = object
            index(object, key: key)
            return [.updated(old: old, new: object)]
        }
        objects[key] = object
        index(object, key: key)
        return [.added(object)]
    }

    private mutating func remove(key: String, uid: String?, final: T) -> [InformerEvent<T>] {
        if let uid { remember(uid) }
        guard let old = objects.removeValue(forKey: key) else { return [] }
        if let uid, let oldUID = old.metadata.uid, uid != oldUID {
            // A delete for a different incarnation: keep ours.
            objects[key] = old
            return []
        }
        unindex(old, key: key)
        return [.deleted(final)]
    }

    private mutating func remember(_ uid: String) {
        guard tombstones.insert(uid).inserted else { return }
        tombstoneOrder.append(uid)
        if tombstoneOrder.count > maximumTombstones {
            tombstones.remove(tombstoneOrder.removeFirst())
        }
    }

    private mutating func index(_ object: T, key: String) {
        for indexer in indexers {
            for value in indexer.values(object) {
                indexes[indexer.name, default: [:]][value, default: []].insert(key)
            }
        }
    }

    private mutating func unindex(_ object: T, key: String) {
        for indexer in indexers {
            for value in indexer.values(object) {
                indexes[indexer.name]?[value]?.remove(key)
                if indexes[indexer.name]?[value]?.isEmpty == true { indexes[indexer.name]?[value] = nil }
            }
        }
    }
}
