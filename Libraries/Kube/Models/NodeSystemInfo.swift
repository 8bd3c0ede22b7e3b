/// `Node.status.nodeInfo`; podguard uses `bootID` to notice a rebooted node.
public struct NodeSystemInfo: Codable, Sendable, Hashable {
    public var machineID: String
    public var systemUUID: String
    public var bootID: String
    public var kernelVersion: String
    public var osImage: String
    public var containerRuntimeVersion: String
    public var kubeletVersion: String
    public var kubeProxyVersion: String
    public var operatingSystem: String
    public var architecture: String

    public init(bootID: String, kubeletVersion: String = "v1.20.2") {
        self.machineID = ""
        self.systemUUID = ""
        self.bootID = bootID
        self.kernelVersion = ""
        self.osImage = ""
        self.containerRuntimeVersion = ""
        self.kubeletVersion = kubeletVersion
        self.kubeProxyVersion = ""
        self.operatingSystem = "linux"
        self.architecture = "amd64"
    }
}
