/// A kind whose objects podguard reads and writes with spec and status as raw JSON: kinds it only
/// creates from templates or passes through (StatefulSet, CSIDriver, a custom resource such as
/// StatefulCluster), where a typed model of every field would be a copy of the API for nothing.
public protocol JSONSpecKind {
    static var resource: ResourceDescriptor { get }
}

/// An object of a ``JSONSpecKind``: typed metadata, spec and status as JSON (each omitted when nil).
/// `typealias StatefulSet = JSONSpecObject<StatefulSetKind>` gives a kind its name.
public struct JSONSpecObject<Kind: JSONSpecKind>: KubeResource, Hashable {
    public static var resource: ResourceDescriptor { Kind.resource }
    public var metadata = ObjectMeta()
    public var spec: JSONValue?
    public var status: JSONValue?
    public var preserved: PreservedJSON?

    enum CodingKeys: String, CodingKey { case metadata, spec, status }

    public init() {}
}
