import Foundation

/// A container that exited.
public struct ContainerStateTerminated: Codable, Sendable, Hashable {
    public var exitCode: Int32
    public var reason: String?
    public var message: String?
    public var startedAt: Date?
    public var finishedAt: Date?
    public var containerID: String?

    public init(exitCode: Int32, reason: String? = nil) {
        self.exitCode = exitCode
        self.reason = reason
    }
}
