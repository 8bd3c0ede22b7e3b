import Foundation

/// `Pod.status`: phase, conditions and container states (what the node simulator writes).
public struct PodStatus: Codable, Sendable, Hashable {
    public var phase: String?
    public var conditions: [PodCondition]?
    public var containerStatuses: [ContainerStatus]?
    public var hostIP: String?
    public var podIP: String?
    public var startTime: Date?
    public var reason: String?
    public var message: String?

    public init(phase: String? = nil, conditions: [PodCondition]? = nil) {
        self.phase = phase
        self.conditions = conditions
    }
}
