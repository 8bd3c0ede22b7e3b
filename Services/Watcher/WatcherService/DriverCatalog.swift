import ArrayFamily
import Contracts
import FamilyCatalog

/// Which array family serves a CSI driver and which arrays a volume handle names, from the family
/// modules (the one place podguard keeps family knowledge).
public struct DriverCatalog: Sendable {
    private let families: [String: any ArrayFamily]
    /// Drivers served by the generic adapter; nil = every CSI driver without a family of its own.
    private let genericDrivers: Set<String>?

    /// - Parameter genericDrivers: drivers of the generic adapter; empty = any other CSI driver.
    public init(families: [any ArrayFamily] = ArrayFamilyCatalog.dell, genericDrivers: [String] = []) {
        self.families = Dictionary(families.map { ($0.csiDriverName, $0) }, uniquingKeysWith: { first, _ in first })
        self.genericDrivers = genericDrivers.isEmpty ? nil : Set(genericDrivers)
    }

    /// The family module of a driver: its own, the generic one, or nil (not a CSI driver podguard serves).
    public func family(ofDriver driver: String) -> (any ArrayFamily)? {
        guard !driver.isEmpty else { return nil }
        if let family = families[driver] { return family }
        if let genericDrivers, !genericDrivers.contains(driver) { return nil }
        return ArrayFamilyCatalog.family(.generic, genericDriver: driver)
    }

    /// The contract's family of a driver (`UNSPECIFIED` when podguard does not serve it).
    public func contractFamily(ofDriver driver: String) -> Podguard_V1_ArrayFamily {
        guard let family = family(ofDriver: driver) else { return .unspecified }
        return ArrayFamilyCatalog.contractFamily(of: family)
    }

    /// The arrays a volume lives on (two for a metro volume); empty when the handle names none or
    /// does not parse (the driver's default array).
    public func arrayIDs(driver: String, volumeHandle: String) -> [String] {
        guard let family = family(ofDriver: driver), let parsed = try? family.parseVolumeHandle(volumeHandle) else { return [] }
        return parsed.arrayIDs
    }
}
