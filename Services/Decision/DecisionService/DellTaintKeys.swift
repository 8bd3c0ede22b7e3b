import ArrayFamily
import Policy
import PowerFlexFamily
import PowerMaxFamily
import PowerScaleFamily
import PowerStoreFamily
import UnityFamily

/// The taint keys of the five Dell families, from the family modules (podmon-behaviour §2.6).
public enum DellTaintKeys {
    public static let families: [any ArrayFamily] = [
        PowerFlexFamily(), PowerStoreFamily(), PowerScaleFamily(), PowerMaxFamily(), UnityFamily(),
    ]

    public static let all = TaintKeys(families: families)
}

extension TaintKeys {
    /// The podguard and driver-offline taint keys of `families`, by CSI driver name.
    public init(families: [any ArrayFamily]) {
        self.init(
            podguard: Dictionary(families.map { ($0.csiDriverName, $0.podmonTaintKey) }, uniquingKeysWith: { first, _ in first }),
            driverOffline: Dictionary(families.map { ($0.csiDriverName, $0.driverPodTaintKey) }, uniquingKeysWith: { first, _ in first }))
    }
}
