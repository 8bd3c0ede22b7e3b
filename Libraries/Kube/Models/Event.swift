import Foundation

/// events.k8s.io/v1 Event (GA since 1.19). ``CoreEvent`` is the core/v1 fallback.
public struct Event: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(group: "events.k8s.io", version: "v1", plural: "events", kind: "Event", namespaced: true)
    public var metadata = ObjectMeta()
    /// MicroTime of the first occurrence; required.
    public var eventTime: Date?
    public var series: EventSeries?
    public var reportingController: String?
    public var reportingInstance: String?
    public var action: String?
    public var reason: String?
    public var regarding: ObjectReference?
    public var related: ObjectReference?
    public var note: String?
    /// `Normal` or `Warning`.
    public var type: String?
    public var deprecatedCount: Int32?
    public var preserved: PreservedJSON?

    enum CodingKeys: String, CodingKey {
        case metadata, eventTime, series, reportingController, reportingInstance, action, reason, regarding, related, note, type, deprecatedCount
    }

    public init() {}
}
