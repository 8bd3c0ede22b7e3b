/// A reference to another object (an Event's subject, a PV's claim).
public struct ObjectReference: Codable, Sendable, Hashable {
    public var apiVersion: String?
    public var kind: String?
    public var namespace: String?
    public var name: String?
    public var uid: String?
    public var resourceVersion: String?
    public var fieldPath: String?

    public init(apiVersion: String? = nil, kind: String? = nil, namespace: String? = nil, name: String? = nil, uid: String? = nil) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.uid = uid
    }
}

extension ObjectReference {
    /// A reference to `object`, for Events about it.
    public init<T: KubeResource>(to object: T) {
        self.init(apiVersion: T.resource.apiVersion, kind: T.resource.kind, namespace: object.metadata.namespace,
                  name: object.metadata.name, uid: object.metadata.uid)
        resourceVersion = object.metadata.resourceVersion
    }
}
