public import Kube

/// What the watcher reads of one kind it only reads (pods, nodes, claims, volumes, attachments):
/// its `Spec` and `Status` types and how its metadata and status are trimmed to what is read.
public protocol ProjectionShape: Sendable {
    associatedtype Spec: Codable & Sendable & Hashable
    associatedtype Status: Codable & Sendable & Hashable
    static var resource: ResourceDescriptor { get }
    /// Drops the metadata nothing reads; by default annotations (they can be large:
    /// last-applied-configuration), finalizers and labels.
    static func trim(_ metadata: inout ObjectMeta)
    /// Drops the status nothing reads; by default nothing.
    static func trim(_ status: inout Status)
}

extension ProjectionShape {
    public static func trim(_ metadata: inout ObjectMeta) {
        metadata.annotations = nil
        metadata.finalizers = nil
        metadata.labels = nil
    }

    public static func trim(_ status: inout Status) {}
}

/// An object of a kind the watcher only reads, decoded into the few fields its `Shape` names
/// (`WatchedPod`, `WatchedNode`, `WatchedClaim`, `WatchedVolume`, `WatchedAttachment`). The
/// informers keep every object, so neither the raw JSON the client would attach (`preserved`) nor
/// metadata nothing reads is kept: at 30,000 pods the library's full models would cost most of the
/// watcher's memory budget.
public struct Projected<Shape: ProjectionShape>: KubeResource, Hashable {
    public typealias Spec = Shape.Spec
    public typealias Status = Shape.Status

    public static var resource: ResourceDescriptor { Shape.resource }
    public static var keepsRawJSON: Bool { false }

    public var metadata = ObjectMeta()
    public var spec: Spec?
    public var status: Status?

    enum CodingKeys: String, CodingKey { case metadata, spec, status }

    public init() {}

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try container.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        Shape.trim(&metadata)
        spec = try container.decodeIfPresent(Spec.self, forKey: .spec)
        status = try container.decodeIfPresent(Status.self, forKey: .status).map { status in
            var status = status
            Shape.trim(&status)
            return status
        }
    }

    /// Always nil: the setter discards the raw JSON the client attaches to decoded objects.
    public var preserved: PreservedJSON? {
        get { nil }
        set {}
    }
}

/// The status of a kind whose status is not read (a PersistentVolume's).
public struct NoStatus: Codable, Sendable, Hashable {
    public init() {}
}
