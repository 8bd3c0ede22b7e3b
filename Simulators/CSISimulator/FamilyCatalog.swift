public import ArrayFamily
import GenericFamily
import PowerFlexFamily
import PowerMaxFamily
import PowerScaleFamily
import PowerStoreFamily
import UnityFamily

/// The family modules by name, for the simulator's `--family` option and tests.
public enum FamilyCatalog {
    /// The family for `id`; the generic one simulates `csi-generic.example.com`.
    public static func family(_ id: ArrayFamilyID) -> any ArrayFamily {
        switch id {
        case .powerflex: PowerFlexFamily()
        case .powerstore: PowerStoreFamily()
        case .powerscale: PowerScaleFamily()
        case .powermax: PowerMaxFamily()
        case .unity: UnityFamily()
        case .generic: GenericFamily(driverName: "csi-generic.example.com")
        }
    }

    /// Example array ids in each family's format (from the drivers' tests).
    public static func exampleArrays(_ id: ArrayFamilyID) -> [String] {
        switch id {
        case .powerflex: ["14dbbf5617523654", "15dbbf5617523655"]
        case .powerstore: ["PSabcdef0123", "PS0123abcdef"]
        case .powerscale: ["cluster1", "cluster2"]
        case .powermax: ["000197900046", "000000000013"]
        case .unity: ["array1", "array2"]
        case .generic: ["generic1", "generic2"]
        }
    }
}
