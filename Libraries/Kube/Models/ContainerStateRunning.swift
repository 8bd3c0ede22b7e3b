import Foundation

/// A running container.
public struct ContainerStateRunning: Codable, Sendable, Hashable {
    public var startedAt: Date?

    public init(startedAt: Date? = nil) {
        self.startedAt = startedAt
    }
}
