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

    /// The Dell family whose podmon taint `key` is (`<stem>.podmon.storage.dell.com`); nil for the
    /// offline taints and the generic drivers' keys, which the array-prober does not probe.
    public func contractFamily(ofTaintKey key: String) -> Podguard_V1_ArrayFamily? {
        ArrayFamilyCatalog.dell.first { $0.podmonTaintKey == key }.map(ArrayFamilyCatalog.contractFamily(of:))
    }

    /// The family module of a fenced volume (the generic one takes the volume's driver name).
    public func family(of volume: Podguard_V1_FenceVolume) -> (any ArrayFamily)? {
        ArrayFamilyCatalog.family(volume.family, driver: volume.driver)
    }
}
