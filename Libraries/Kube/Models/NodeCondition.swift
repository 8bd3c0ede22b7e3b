import Foundation

/// One node condition (`Ready`, `MemoryPressure`, ...); `lastHeartbeatTime` is the kubelet heartbeat.
public struct NodeCondition: Codable, Sendable, Hashable {
    public var type: String
    public var status: String
    public var reason: String?
    public var message: String?
    public var lastHeartbeatTime: Date?
    public var lastTransitionTime: Date?

    public init(type: String, status: String, reason: String? = nil, message: String? = nil, lastHeartbeatTime: Date? = nil, lastTransitionTime: Date? = nil) {
        self.type = type
        self.status = status
        self.reason = reason
        self.message = message
        self.lastHeartbeatTime = lastHeartbeatTime
        self.lastTransitionTime = lastTransitionTime
    }
}
