import ArrayFamily
import Contracts
import GenericFamily
import Policy
import PowerFlexFamily
import PowerMaxFamily
import PowerScaleFamily
import PowerStoreFamily
import UnityFamily

/// The family modules podguard serves, in one list: the five Dell families and the generic one.
/// Every service that needs "which family is this" or "which taints are ours" asks here, so a new
/// family is added in one place.
public enum ArrayFamilyCatalog {
    /// The five Dell families (podmon's drivers).
    public static let dell: [any ArrayFamily] = [
        PowerFlexFamily(), PowerStoreFamily(), PowerScaleFamily(), PowerMaxFamily(), UnityFamily(),
    ]

    /// The taint keys of the five Dell families (podmon's keys, docs/configuration.md).
    public static let dellTaintKeys = TaintKeys(families: dell)

    /// The taint keys of the Dell families and of the generic adapter's drivers.
    public static func taintKeys(genericDrivers: [String]) -> TaintKeys {
        TaintKeys(families: dell + genericDrivers.map { GenericFamily(driverName: $0) as any ArrayFamily })
    }

    /// The module of a family; the generic one serves `genericDriver`.
    public static func family(_ id: ArrayFamilyID, genericDriver: String) -> any ArrayFamily {
        switch id {
        case .powerflex: PowerFlexFamily()
        case .powerstore: PowerStoreFamily()
        case .powerscale: PowerScaleFamily()
        case .powermax: PowerMaxFamily()
        case .unity: UnityFamily()
        case .generic: GenericFamily(driverName: genericDriver)
        }
    }

    /// The module of a contract family (nil for `UNSPECIFIED`); the generic one serves `driver`.
    public static func family(_ family: Podguard_V1_ArrayFamily, driver: String) -> (any ArrayFamily)? {
        guard let id = familyID(family) else { return nil }
        return self.family(id, genericDriver: driver)
    }

    /// Families whose drivers have no ValidateVolumeHostConnectivity: their arrays can never prove a
    /// node disconnected and idle, so node silence alone never moves their pods (`NotReadyEvidence`).
    public static var familiesWithoutArrayProof: Set<Podguard_V1_ArrayFamily> {
        Set(ArrayFamilyID.allCases.map { family($0, genericDriver: "") }.filter { !$0.hasPodmonExtension }.map(contractFamily(of:)))
    }

    /// The contract's family of a family module.
    public static func contractFamily(of family: any ArrayFamily) -> Podguard_V1_ArrayFamily {
        PodguardSubjects.family(fromToken: family.id.rawValue) ?? .unspecified
    }

    private static func familyID(_ family: Podguard_V1_ArrayFamily) -> ArrayFamilyID? {
        switch family {
        case .powerflex: .powerflex
        case .powerstore: .powerstore
        case .powerscale: .powerscale
        case .powermax: .powermax
        case .unity: .unity
        case .generic: .generic
        case .unspecified, .UNRECOGNIZED: nil
        }
    }
}
