import Foundation

/// One pod condition (`Ready`, `PodScheduled`, `ContainersReady`, `Initialized`).
public struct PodCondition: Codable, Sendable, Hashable {
    public var type: String
    /// `True`, `False` or `Unknown`.
    public var status: String
    public var reason: String?
    public var message: String?
    public var lastProbeTime: Date?
    public var lastTransitionTime: Date?

    public init(type: String, status: String, reason: String? = nil, message: String? = nil, lastTransitionTime: Date? = nil) {
        self.type = type
        self.status = status
        self.reason = reason
        self.message = message
        self.lastTransitionTime = lastTransitionTime
    }
}
