import ArrayFamily
import Policy
import PowerFlexFamily
import PowerMaxFamily
import PowerScaleFamily
import PowerStoreFamily
import UnityFamily

/// podmon's taint keys of the five Dell families, from the family modules (the one place for family
/// knowledge; decision builds the same from the same modules).
public enum FencingTaintKeys {
    public static let dell: TaintKeys = {
        let families: [any ArrayFamily] = [PowerFlexFamily(), PowerStoreFamily(), PowerScaleFamily(), PowerMaxFamily(), UnityFamily()]
        return TaintKeys(
            podguard: Dictionary(families.map { ($0.csiDriverName, $0.podmonTaintKey) }, uniquingKeysWith: { first, _ in first }),
            driverOffline: Dictionary(families.map { ($0.csiDriverName, $0.driverPodTaintKey) }, uniquingKeysWith: { first, _ in first }))
    }()
}
