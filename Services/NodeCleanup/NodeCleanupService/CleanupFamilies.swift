import ArrayFamily
import Contracts
import FamilyCatalog
import Policy

/// The array families node-cleanup knows: their cleanup paths and the taint keys it may remove.
public struct CleanupFamilies: Sendable {
    public let genericDrivers: [String]
    public let taintKeys: TaintKeys

    public init(genericDrivers: [String] = []) {
        self.genericDrivers = genericDrivers
        self.taintKeys = ArrayFamilyCatalog.taintKeys(genericDrivers: genericDrivers)
    }

    /// The family module of a fenced volume (the generic one takes the volume's driver name).
    public func family(of volume: Podguard_V1_FenceVolume) -> (any ArrayFamily)? {
        ArrayFamilyCatalog.family(volume.family, driver: volume.driver)
    }
}
