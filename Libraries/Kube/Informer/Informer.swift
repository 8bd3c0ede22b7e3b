import Logging
import Synchronization

/// A watched, indexed cache of one kind: lists, then watches from the list's resourceVersion,
/// resumes the watch after disconnects, and lists again when the watch expires (410 Gone) or
/// fails, emitting deletes for objects that vanished meanwhile (never resurrecting one).
///
/// ```swift
/// let pods = Informer(client: client, Pod.self, namespace: nil,
///                     labelSelector: "podmon.dellemc.com/driver=csi-vxflexos", indexes: [.byNodeName])
/// let runner = Task { await pods.run() }
/// for await event in pods.events {
///     switch event {
///     case .synced: ...                     // initial list delivered
///     case .added(let pod), .deleted(let pod): ...
///     case .updated(let old, let new): ...
///     }
/// }
/// let onNode = pods.objects(index: InformerIndex<Pod>.byNodeName.name, value: "node-a")
/// ```
/// `events` has one consumer; it buffers without bound, so consume it promptly.
public final class Informer<T: KubeResource>: Sendable {
    public let events: AsyncStream<InformerEvent<T>>
    private let continuation: AsyncStream<InformerEvent<T>>.Continuation
    private let store: Mutex<InformerStore<T>>
    private let syncedFlag = Mutex(false)
    private let client: KubeClient
    private let namespace: String?
    private let labelSelector: String?
    private let fieldSelector: String?
    private let watchTimeoutSeconds: Int
    private let pageSize: Int
    private let reportsInitialList: Bool

    /// - Parameter reportsInitialList: emit `.added` for every object of the first list (before
    ///   `.synced`). A consumer that reads the whole cache at `.synced` anyway passes false, so a
    ///   large first list is not held a second time as events.
    public init(client: KubeClient, _ type: T.Type, namespace: String? = nil, labelSelector: String? = nil, fieldSelector: String? = nil,
                indexes: [InformerIndex<T>] = [], watchTimeoutSeconds: Int = 300, pageSize: Int = 500, reportsInitialList: Bool = true) {
        self.client = client
        self.namespace = namespace
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.watchTimeoutSeconds = watchTimeoutSeconds
        self.pageSize = pageSize
        self.reportsInitialList = reportsInitialList
        self.store = Mutex(InformerStore(indexes: indexes))
        (events, continuation) = AsyncStream<InformerEvent<T>>.makeStream()
    }

    /// Objects in the cache.
    public var count: Int { store.withLock { $0.count } }

    /// True once the initial list is in the cache.
    public var hasSynced: Bool { syncedFlag.withLock { $0 } }

    /// The cached object with this key (`namespace/name`, or `name` for cluster-scoped kinds).
    public func get(key: String) -> T? {
        store.withLock { $0.objects[key] }
    }

    public func get(name: String, namespace: String? = nil) -> T? {
        get(key: namespace.map { "\($0)/\(name)" } ?? name)
    }

    /// Every cached object, sorted by key.
    public func list() -> [T] {
        store.withLock { $0.objects.values.sorted { $0.key < $1.key } }
    }

    /// Cached objects whose index `index` has `value`.
    public func objects(index: String, value: String) -> [T] {
        store.withLock { $0.objects(index: index, value: value) }
    }

    /// Lists and watches until the task is cancelled; then finishes ``events``.
    public func run() async {
        defer { continuation.finish() }
        var failures = 0
        var listed = false
        while !Task.isCancelled {
            do {
                let list = try await client.listAll(T.self, namespace: namespace,
                                                    options: ListOptions(labelSelector: labelSelector, fieldSelector: fieldSelector), pageSize: pageSize)
                if listed { client.metrics.relisted(resource: T.resource.description) }
                let reporting = listed || reportsInitialList
                listed = true
                let resourceVersion = list.metadata.resourceVersion
                let changes = store.withLock { [list] in $0.replace(with: list.items, reportingChanges: reporting) }
                changes.forEach { continuation.yield($0) }
                if !syncedFlag.withLock({ value in defer { value = true }; return value }) {
                    continuation.yield(.synced)
                }
                failures = 0
                let watch = client.watch(T.self, namespace: namespace, options: WatchOptions(
                    labelSelector: labelSelector, fieldSelector: fieldSelector, resourceVersion: resourceVersion,
                    timeoutSeconds: watchTimeoutSeconds))
                for try await event in watch {
                    let changes = store.withLock { $0.apply(event) }
                    changes.forEach { continuation.yield($0) }
                }
            } catch let error as KubeError where error.isGone {
                client.logger.info("watch expired; relisting", metadata: ["resource": "\(T.resource)"])
            } catch {
                if Task.isCancelled { return }
                let delay = client.configuration.retry.backoff.delay(attempt: failures)
                failures += 1
                client.logger.warning("list/watch failed; relisting after backoff", metadata: ["resource": "\(T.resource)", "error": "\(error)", "delay": "\(delay)"])
                do { try await Task.sleep(for: delay) } catch { return }
            }
        }
    }
}
