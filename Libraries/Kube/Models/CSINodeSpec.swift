/// `CSINode.spec`.
public struct CSINodeSpec: Codable, Sendable, Hashable {
    public var drivers: [CSINodeDriver] = []

    public init(drivers: [CSINodeDriver] = []) {
        self.drivers = drivers
    }
}
