import Foundation

/// core/v1 Event: the fallback when events.k8s.io/v1 is not served (and what `kubectl describe`
/// shows; the apiserver converts between the two).
public struct CoreEvent: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(group: "", version: "v1", plural: "events", kind: "Event", namespaced: true)
    public var metadata = ObjectMeta()
    public var involvedObject = ObjectReference()
    public var reason: String?
    public var message: String?
    public var source: EventSource?
    public var firstTimestamp: Date?
    public var lastTimestamp: Date?
    public var count: Int32?
    public var type: String?
    public var reportingComponent: String?
    public var reportingInstance: String?
    public var preserved: PreservedJSON?

    enum CodingKeys: String, CodingKey {
        case metadata, involvedObject, reason, message, source, firstTimestamp, lastTimestamp, count, type, reportingComponent, reportingInstance
    }

    public init() {}
}
