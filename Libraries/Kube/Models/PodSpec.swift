/// `Pod.spec` (what podguard reads; everything else is preserved raw).
public struct PodSpec: Codable, Sendable, Hashable {
    public var nodeName: String?
    public var containers: [Container] = []
    public var volumes: [Volume]?
    public var tolerations: [Toleration]?
    public var nodeSelector: [String: String]?
    public var schedulerName: String?
    public var serviceAccountName: String?
    public var hostname: String?
    public var subdomain: String?
    public var terminationGracePeriodSeconds: Int64?
    public var priority: Int32?

    public init(containers: [Container] = [], nodeName: String? = nil) {
        self.containers = containers
        self.nodeName = nodeName
    }
}
