/// A Kubernetes object kind that the client can read and write.
///
/// Conforming types are plain `Codable` structs of the fields podguard uses. Everything else the
/// apiserver sent is kept in ``preserved`` (excluded from the type's `CodingKeys`), and merged
/// back when the object is written (update, status update), so fields this code does not model
/// survive a read-modify-write. Tests and services can add kinds by conforming their own types.
public protocol KubeResource: Codable, Sendable {
    /// Where the kind lives in the API (group, version, plural, namespaced or not).
    static var resource: ResourceDescriptor { get }
    var metadata: ObjectMeta { get set }
    /// The raw object as received, set by the client on decode; `nil` for objects built locally.
    var preserved: PreservedJSON? { get set }
    /// Whether decoded objects keep their raw JSON (``preserved``). Types that are only read —
    /// an informer's slim projection of a pod, say — return `false` and save the memory of a
    /// second copy of every object; writing such an object sends only its typed fields.
    static var keepsRawJSON: Bool { get }
    init()
}

extension KubeResource {
    public static var keepsRawJSON: Bool { true }

    /// A new object with a name (and namespace for namespaced kinds).
    public init(name: String, namespace: String? = nil) {
        self.init()
        metadata.name = name
        metadata.namespace = namespace
    }

    public var name: String { metadata.name ?? "" }
    public var namespace: String? { metadata.namespace }
    public var uid: String? { metadata.uid }
    public var resourceVersion: String? { metadata.resourceVersion }

    /// `namespace/name` (or `name` for cluster-scoped objects): the informer's primary key.
    public var key: String {
        if let namespace = metadata.namespace, !namespace.isEmpty { return "\(namespace)/\(name)" }
        return name
    }
}
