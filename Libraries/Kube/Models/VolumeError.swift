import Foundation

/// An attach or detach error reported on a VolumeAttachment.
public struct VolumeError: Codable, Sendable, Hashable {
    public var time: Date?
    public var message: String?
}
