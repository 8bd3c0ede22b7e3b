/// The state of one container (podguard reads ids, readiness and CrashLoopBackOff).
public struct ContainerStatus: Codable, Sendable, Hashable {
    public var name: String
    public var ready: Bool
    public var restartCount: Int32
    public var image: String
    public var imageID: String
    public var containerID: String?
    public var started: Bool?
    public var state: ContainerState?
    public var lastState: ContainerState?

    public init(name: String, ready: Bool, restartCount: Int32 = 0, image: String = "", imageID: String = "", containerID: String? = nil, state: ContainerState? = nil) {
        self.name = name
        self.ready = ready
        self.restartCount = restartCount
        self.image = image
        self.imageID = imageID
        self.containerID = containerID
        self.state = state
    }
}
