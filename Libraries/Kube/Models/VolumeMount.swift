/// A filesystem volume mounted into a container.
public struct VolumeMount: Codable, Sendable, Hashable {
    public var name: String
    public var mountPath: String
    public var readOnly: Bool?

    public init(name: String, mountPath: String) {
        self.name = name
        self.mountPath = mountPath
    }
}
