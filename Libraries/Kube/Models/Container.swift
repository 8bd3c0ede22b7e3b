/// One container of a pod spec.
public struct Container: Codable, Sendable, Hashable {
    public var name: String
    public var image: String?
    public var command: [String]?
    public var args: [String]?
    public var volumeMounts: [VolumeMount]?
    public var volumeDevices: [VolumeDevice]?

    public init(name: String, image: String? = nil) {
        self.name = name
        self.image = image
    }
}
