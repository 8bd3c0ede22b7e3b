import ArrayFamily
import Policy

extension TaintKeys {
    /// The podguard and driver-offline taint keys of `families`, by CSI driver name (the first
    /// family of a driver wins).
    public init(families: [any ArrayFamily]) {
        self.init(
            podguard: Dictionary(families.map { ($0.csiDriverName, $0.podmonTaintKey) }, uniquingKeysWith: { first, _ in first }),
            driverOffline: Dictionary(families.map { ($0.csiDriverName, $0.driverPodTaintKey) }, uniquingKeysWith: { first, _ in first }))
    }
}
