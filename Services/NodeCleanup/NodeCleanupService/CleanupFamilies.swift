import ArrayFamily
import Contracts
import GenericFamily
import Policy
import PowerFlexFamily
import PowerMaxFamily
import PowerScaleFamily
import PowerStoreFamily
import UnityFamily

/// The array families node-cleanup knows: their cleanup paths and the taint keys it may remove.
public struct CleanupFamilies: Sendable {
    public static let dell: [any ArrayFamily] = [
        PowerFlexFamily(), PowerStoreFamily(), PowerScaleFamily(), PowerMaxFamily(), UnityFamily(),
    ]

    public let genericDrivers: [String]
    public let taintKeys: TaintKeys

    public init(genericDrivers: [String] = []) {
        self.genericDrivers = genericDrivers
        let all = Self.dell + genericDrivers.map { GenericFamily(driverName: $0) as any ArrayFamily }
        self.taintKeys = TaintKeys(
            podguard: Dictionary(all.map { ($0.csiDriverName, $0.podmonTaintKey) }, uniquingKeysWith: { first, _ in first }),
            driverOffline: Dictionary(all.map { ($0.csiDriverName, $0.driverPodTaintKey) }, uniquingKeysWith: { first, _ in first }))
    }

    /// The family module of a fenced volume (the generic one takes the volume's driver name).
    public func family(of volume: Podguard_V1_FenceVolume) -> (any ArrayFamily)? {
        switch volume.family {
        case .powerflex: PowerFlexFamily()
        case .powerstore: PowerStoreFamily()
        case .powerscale: PowerScaleFamily()
        case .powermax: PowerMaxFamily()
        case .unity: UnityFamily()
        case .generic: GenericFamily(driverName: volume.driver)
        case .unspecified, .UNRECOGNIZED: nil
        }
    }
}
