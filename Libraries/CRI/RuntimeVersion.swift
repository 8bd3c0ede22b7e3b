/// What `RuntimeService.Version` says.
public struct RuntimeVersion: Sendable, Hashable {
    /// The kubelet runtime API version ("0.1.0").
    public var version: String
    /// e.g. "containerd".
    public var runtimeName: String
    public var runtimeVersion: String
    /// e.g. "v1".
    public var runtimeAPIVersion: String

    public init(version: String, runtimeName: String, runtimeVersion: String, runtimeAPIVersion: String) {
        self.version = version
        self.runtimeName = runtimeName
        self.runtimeVersion = runtimeVersion
        self.runtimeAPIVersion = runtimeAPIVersion
    }
}
