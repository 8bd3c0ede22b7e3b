/// A raw block volume handed to a container.
public struct VolumeDevice: Codable, Sendable, Hashable {
    public var name: String
    public var devicePath: String

    public init(name: String, devicePath: String) {
        self.name = name
        self.devicePath = devicePath
    }
}
